package httpapi_test

import (
	"math/rand/v2"
	"testing"

	"github.com/deskchat/deskchat/backend/media/mediatest"
)

// BenchmarkUpload: a file through POST /v1/uploads on a real server on
// loopback, acknowledged only once its bytes are synced to disk and its
// record committed: MB/s is the upload throughput. "file" is a 4 MiB file
// that is no image (sniffed, stored); "photo" a 5.4 MB 12-megapixel JPEG
// (sniffed, location stripped, thumbnailed, both stored; the same photo
// each time, so its blobs are written once and then only confirmed).
func BenchmarkUpload(b *testing.B) {
	e := newEnv(b)
	file := make([]byte, 4<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range file {
		file[i] = byte(r.Uint32())
	}
	photo := mediatest.Photo(4000, 3000, 92)
	for _, c := range []struct {
		name string
		data []byte
	}{{"file", file}, {"photo", photo}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			for i := 0; b.Loop(); i++ {
				if c.name == "file" {
					// A new blob every time (the same bytes are stored once).
					c.data[0], c.data[1] = byte(i), byte(i>>8)
				}
				if _, err := e.support.Upload(e.ctx, "bench.bin", "", c.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
