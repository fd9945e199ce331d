package localstore

import (
	"context"
	"encoding/json"
)

// maxKnownWords caps the cache of the vocabulary's words (about 60 bytes
// each); past it the cache starts over.
const maxKnownWords = 200_000

// knownWords caches which words the vocab table holds (migration 0011), so
// that an initial sync, thousands of messages over the same few thousand
// words, writes each word once rather than once per batch. The triggers
// that take words out of vocab bump meta vocab_gen: a cache of another
// generation starts over. Guarded by Store.mu (writers only).
type knownWords struct {
	gen   string
	words map[string]bool // lowercased, as vocab.word
}

// vocabulary writes the words of the batch's fresh messages that the cache
// does not know to vocab, and learns them once the batch commits.
func (b *batch) vocabulary(ctx context.Context) error {
	var known *knownWords
	var gen string
	if b.store != nil {
		known = &b.store.known
		if err := b.tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'vocab_gen'`).Scan(&gen); err != nil {
			return err
		}
		if gen != known.gen || len(known.words) > maxKnownWords {
			known.gen, known.words = gen, map[string]bool{}
		}
		if gen != b.gen {
			// Words this batch wrote before a trigger ran may be gone.
			b.gen, b.learned = gen, nil
		}
	}
	seen := map[string]bool{}
	var add [][2]string
	for _, t := range b.terms {
		if seen[t[1]] || (known != nil && known.words[t[1]]) {
			continue
		}
		seen[t[1]] = true
		add = append(add, t)
	}
	if len(add) == 0 {
		return nil
	}
	list, _ := json.Marshal(add)
	if _, err := b.tx.ExecContext(ctx, `INSERT OR IGNORE INTO vocab (fold, word) SELECT value ->> 0, value ->> 1 FROM json_each(?)`,
		string(list)); err != nil {
		return err
	}
	if known == nil {
		return nil
	}
	for _, t := range add {
		b.learned = append(b.learned, t[1])
	}
	if !b.learning {
		b.learning = true
		b.store.onCommit = append(b.store.onCommit, func() {
			// Learned only if no trigger ran after the words were written.
			var now string
			if b.store.db.QueryRow(`SELECT value FROM meta WHERE key = 'vocab_gen'`).Scan(&now) != nil || now != b.gen || known.gen != b.gen {
				known.gen, known.words = "", nil
				return
			}
			for _, w := range b.learned {
				known.words[w] = true
			}
		})
	}
	return nil
}

// forgetKnownWords empties the cache after a write that took text away: it
// may hold a word no message has any more, which must not stay in memory
// either.
func (s *Store) forgetKnownWords() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.known = knownWords{}
}
