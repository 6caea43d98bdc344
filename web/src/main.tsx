import '@mantine/core/styles.css';
import './app.css';
import { MantineProvider, createTheme } from '@mantine/core';
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
  // Users who ask their system for less motion get no transitions (dialogs appear at once).
  respectReducedMotion: true,
  // By name, not `Modal.extend`, so the first page does not load the Modal component.
  components: { Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } } },
});

const config = await loadConfig();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <KitProvider config={config}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </KitProvider>
    </MantineProvider>
  </StrictMode>,
);
