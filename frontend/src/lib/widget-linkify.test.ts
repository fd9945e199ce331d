// Unit tests of the customer widget's text rendering (backend/widget/src):
// links only for http(s), everything else stays plain text.
import { describe, expect, it } from 'vitest';
import { linkParts } from '../../../backend/widget/src/linkify';

describe('linkParts', () => {
  it.each([
    ['plain text', [{ text: 'plain text' }]],
    ['see https://example.com.', [{ text: 'see ' }, { text: 'https://example.com', href: 'https://example.com/' }, { text: '.' }]],
    ['(http://a.example/x?y=1)', [{ text: '(' }, { text: 'http://a.example/x?y=1', href: 'http://a.example/x?y=1' }, { text: ')' }]],
    ['javascript:alert(1)', [{ text: 'javascript:alert(1)' }]],
    ['<a href="https://x.example">', [{ text: '<a href="' }, { text: 'https://x.example', href: 'https://x.example/' }, { text: '">' }]],
    ['data:text/html,<script>', [{ text: 'data:text/html,<script>' }]],
  ])('%s', (input, want) => {
    expect(linkParts(input)).toEqual(want);
  });
});
