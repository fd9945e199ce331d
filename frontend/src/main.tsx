// Entry point of the agent app (Preact + signals; one store per area in
// src/stores, components in src/components).
import { render } from 'preact';
import { App } from './components/App';
import './style.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
