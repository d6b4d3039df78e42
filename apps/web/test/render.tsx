import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';

/** Renders inside Mantine's provider, as the console does. */
export const renderUi = (ui: ReactElement) => render(<MantineProvider>{ui}</MantineProvider>);
