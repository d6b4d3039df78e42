import { Button, Card, Code, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { type ActionError, fromCode } from '../errors';
import { readToken, type Session } from '../session';

/** Checks a token against the API (a cheap read) before keeping it. */
async function verify(session: Session): Promise<ActionError | undefined> {
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ query: '{ rollouts(first: 1) { totalCount } }' }),
    });
    const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    const e = body.errors?.[0];
    return e ? fromCode(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR', e.message) : undefined;
  } catch {
    return {
      code: 'NETWORK',
      sentence: 'The API could not be reached. Check that it is running, then retry.',
      retryable: true,
    };
  }
}

/**
 * Sign-in with a bearer token (pasted), or with the one-time local link `npm start` prints
 * (/signin#code=…), which the API trades for a local admin's token.
 */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<ActionError>();
  const [busy, setBusy] = useState(false);

  const signIn = async (raw: string) => {
    setBusy(true);
    setError(undefined);
    const session = readToken(raw);
    if (!session) {
      setBusy(false);
      setError({
        code: 'BAD_USER_INPUT',
        sentence: 'This is not a token: paste the whole JWT (three parts separated by dots).',
        retryable: false,
      });
      return;
    }
    const failed = await verify(session);
    setBusy(false);
    if (failed) setError(failed);
    else onSignedIn(session);
  };

  useEffect(() => {
    const code = new URLSearchParams(window.location.hash.slice(1)).get('code');
    if (!code) return;
    // The code works once: take it out of the address bar and history at once.
    window.history.replaceState(null, '', '/');
    void (async () => {
      setBusy(true);
      try {
        const res = await fetch('/console/signin', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code }),
        });
        const body = (await res.json()) as { token?: string; message?: string };
        if (res.ok && body.token) await signIn(body.token);
        else
          setError({
            code: 'UNAUTHENTICATED',
            sentence: body.message ?? 'The sign-in link was refused.',
            retryable: false,
          });
      } catch {
        setError({ code: 'NETWORK', sentence: 'The API could not be reached.', retryable: false });
      } finally {
        setBusy(false);
      }
    })();
  }, []);

  return (
    <Card withBorder maw={640} mx="auto" mt="xl" component="main">
      <Stack>
        <Title order={1} size="h2">
          Sign in to the rollout console
        </Title>
        <Text size="sm">
          Paste a bearer token.{' '}
          <Code>npm run --silent cli -- token create --user NAME --roles release-manager</Code> prints one; on
          a local <Code>npm start</Code>, open the one-time sign-in link it printed instead. Only the token is
          kept, in this tab&apos;s session storage.
        </Text>
        <Textarea
          label="Bearer token"
          autosize
          minRows={3}
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        <ErrorNote error={error} />
        <Button loading={busy} disabled={!token.trim()} onClick={() => void signIn(token)}>
          Sign in
        </Button>
      </Stack>
    </Card>
  );
}
