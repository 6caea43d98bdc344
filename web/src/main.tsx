import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app.css';
import { MantineProvider, Modal, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App.tsx';
import { loadConfig } from './config.ts';
import { KitProvider } from './lib/kit.tsx';

// Mantine's default primary shade is a little light for white text at AA contrast.
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  components: { Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }) },
});

const config = await loadConfig();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <Notifications position="top-right" />
      <KitProvider config={config}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </KitProvider>
    </MantineProvider>
  </StrictMode>,
);
