import { Anchor, AppShell, Badge, Button, Group, Text } from '@mantine/core';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Provider } from 'urql';
import { Link, Route, Switch } from 'wouter';
import { makeClient } from './client';
import { FleetPage } from './pages/FleetPage';
import { PlanImportPage } from './pages/PlanImportPage';
import { RolloutPage } from './pages/RolloutPage';
import { SignInPage } from './pages/SignInPage';
import { WaitingPage } from './pages/WaitingPage';

// The plans page carries the YAML and diff libraries: loaded when first opened, not with the rollout page.
const PlansPage = lazy(() => import('./pages/PlansPage').then((m) => ({ default: m.PlansPage })));
import { clearSession, loadSession, saveSession, type Session } from './session';

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => loadSession());
  const connection = useMemo(() => (session ? makeClient(session.token) : undefined), [session]);
  useEffect(() => () => connection?.dispose(), [connection]);

  if (!session || !connection)
    return (
      <SignInPage
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
        }}
      />
    );

  const signOut = () => {
    clearSession();
    setSession(undefined);
  };
  return (
    <Provider value={connection.client}>
      <AppShell header={{ height: 56 }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Group component="nav" aria-label="Console">
              <Anchor component={Link} href="/" fw={700} c="dark.9">
                Rollout console
              </Anchor>
              <Anchor component={Link} href="/">
                Rollouts
              </Anchor>
              <Anchor component={Link} href="/waiting">
                Waiting on me
              </Anchor>
              <Anchor component={Link} href="/plans">
                Plans
              </Anchor>
              <Anchor component={Link} href="/plans/import">
                Import a plan
              </Anchor>
              <Anchor href="/graphql">GraphQL IDE</Anchor>
            </Group>
            <Group gap="xs" aria-label="Signed in">
              <Text size="sm" data-testid="user">
                {session.user}
              </Text>
              {session.roles.map((r) => (
                <Badge key={r} variant="outline" color="dark.6" radius="sm">
                  {r}
                </Badge>
              ))}
              <Button size="compact-sm" variant="default" onClick={signOut}>
                Sign out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        {/* AppShell.Main is the page's one <main> landmark. */}
        <AppShell.Main>
          <Switch>
            <Route path="/">
              <FleetPage />
            </Route>
            <Route path="/rollouts">
              <FleetPage />
            </Route>
            <Route path="/rollouts/:id">
              {(params) => <RolloutPage id={decodeURIComponent(params.id)} />}
            </Route>
            <Route path="/waiting">
              <WaitingPage />
            </Route>
            <Route path="/plans/import">
              <PlanImportPage />
            </Route>
            <Route path="/plans">
              <Suspense fallback={<Text>Loading plans…</Text>}>
                <PlansPage />
              </Suspense>
            </Route>
            <Route path="/signin">
              <FleetPage />
            </Route>
            <Route>
              <Text>
                This page does not exist.{' '}
                <Anchor component={Link} href="/">
                  All rollouts
                </Anchor>
              </Text>
            </Route>
          </Switch>
        </AppShell.Main>
      </AppShell>
    </Provider>
  );
}
