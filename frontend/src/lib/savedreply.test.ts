import { describe, expect, it } from 'vitest';
import { fillPlaceholders, insertMention, matchReplies, mentionedIds, mentionQuery, slashQuery } from './savedreply';
import type { SavedReply } from './types';

const r = (id: number, shortcut: string, title: string, owner_id?: number): SavedReply =>
  ({ id, shortcut, title, text: '', owner_id, created_at: '', updated_at: '' }) as SavedReply;

describe('fillPlaceholders', () => {
  it('fills values, falls back, keeps unknown names', () => {
    const t = 'Hi {{customer.name | there}}, {{ agent.name }} here. Mail: {{customer.email|none}} {{customer.phone}}';
    expect(fillPlaceholders(t, { 'customer.name': 'Sally', 'agent.name': 'Ben' })).toBe('Hi Sally, Ben here. Mail: none {{customer.phone}}');
    expect(fillPlaceholders(t, { 'customer.name': '  ', 'agent.name': 'Ben' })).toBe('Hi there, Ben here. Mail: none {{customer.phone}}');
    expect(fillPlaceholders('{{customer.name}}!', {})).toBe('!');
  });
  it('inserts values as text, once', () => {
    expect(fillPlaceholders('{{customer.name}}', { 'customer.name': '<b>{{agent.name}}</b>', 'agent.name': 'X' })).toBe('<b>{{agent.name}}</b>');
  });
});

describe('slash picker', () => {
  it('reads the query only while the text is one /word', () => {
    expect(slashQuery('/re')).toBe('re');
    expect(slashQuery('/')).toBe('');
    expect(slashQuery('/Ref')).toBe('ref');
    expect(slashQuery('/ref now')).toBeNull();
    expect(slashQuery('a /ref')).toBeNull();
  });
  it('ranks shortcut prefixes, then contains, then titles; mine before the team on a tie', () => {
    const list = [r(1, 'refund', 'Refund on its way'), r(2, 'bye', 'Goodbye'), r(3, 'prefer', 'Preferences'), r(4, 'refund', 'Mine', 9), r(5, 'x', 'Refund policy')];
    expect(matchReplies(list, 'ref').map((x) => x.id)).toEqual([4, 1, 3, 5]);
    expect(matchReplies(list, 'good').map((x) => x.id)).toEqual([2]);
    expect(matchReplies(list, '').length).toBe(5);
  });
});

describe('mentions', () => {
  it('finds the @word at the caret', () => {
    expect(mentionQuery('hi @be', 6)).toEqual({ start: 3, query: 'be' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('mail a@b', 8)).toBeNull();
    expect(mentionQuery('hi @ben x', 9)).toBeNull();
  });
  it('inserts the name and keeps only mentions still in the text', () => {
    const ins = insertMention('hi @be and', 3, 6, 'Ben Support');
    expect(ins).toEqual({ text: 'hi @Ben Support  and', caret: 16 });
    const picked = [{ id: 2, name: 'Ben Support' }, { id: 3, name: 'Dana' }, { id: 2, name: 'Ben Support' }];
    expect(mentionedIds(ins.text, picked)).toEqual([2]);
  });
});
