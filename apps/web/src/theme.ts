import { createTheme, type CSSVariablesResolver, Modal } from '@mantine/core';

/** Mantine's defaults, with the darker primary shade so that links and buttons meet WCAG AA contrast (axe). */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 5 },
  // Every dialog's close button says what it does.
  components: { Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }) },
});

/**
 * Badge colours, each with at least 4.5:1 contrast against the text Mantine's autoContrast puts on it (white on
 * the dark ones, black on the light ones). Mantine's green.9 or cyan.8 with white text fall just short.
 */
export const tone = {
  neutral: '#495057',
  info: '#1864ab',
  ok: '#1e6b34',
  attention: '#ffd43b',
  paused: '#ffc078',
  review: '#0b7285',
  rollback: '#a63c06',
  danger: '#b02525',
  undone: '#862e9c',
  ended: '#343a40',
  faint: '#dee2e6',
  entering: '#a5d8ff',
} as const;

/** Descriptions and dimmed text one shade darker than Mantine's gray.6, which is below 4.5:1 on white. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
