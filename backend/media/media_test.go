package media_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	_ "image/jpeg" // image.Decode of thumbnails
	"image/png"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/webp"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/media"
	"github.com/deskchat/deskchat/backend/media/mediatest"
)

const octet = "application/octet-stream"

// mustProcess runs Process and checks the invariants every result keeps.
func mustProcess(tb testing.TB, data []byte, o media.Options) *media.Result {
	tb.Helper()
	r, err := media.Process(data, o)
	if err != nil {
		tb.Fatalf("Process: %v", err)
	}
	checkInvariants(tb, data, o, r)
	return r
}

func checkInvariants(tb testing.TB, data []byte, o media.Options, r *media.Result) {
	tb.Helper()
	size := o.ThumbSize
	if size == 0 {
		size = media.DefaultThumbSize
	}
	if !r.Image {
		if r.Thumb != nil || r.ThumbType != "" || r.Width != 0 || r.Height != 0 {
			tb.Fatalf("not an image, but thumb %d bytes %q, %d×%d", len(r.Thumb), r.ThumbType, r.Width, r.Height)
		}
		if media.Inline(r.Type) {
			tb.Fatalf("not an image, but Type %q is inline", r.Type)
		}
		if !bytes.Equal(r.Data, data) && !(o.StripMetadata && media.Inline(media.Sniff(data))) {
			tb.Fatalf("not an image, but Data changed")
		}
		return
	}
	if !media.Inline(r.Type) {
		tb.Fatalf("image of type %q that is not inline", r.Type)
	}
	if got := media.Sniff(r.Data); got != r.Type {
		tb.Fatalf("Data sniffs as %q, Type is %q", got, r.Type)
	}
	if r.Width <= 0 || r.Height <= 0 {
		tb.Fatalf("image of %d×%d", r.Width, r.Height)
	}
	if len(r.Thumb) == 0 {
		tb.Fatalf("image without a thumbnail")
	}
	if !o.StripMetadata && !bytes.Equal(r.Data, data) {
		tb.Fatalf("Data changed without StripMetadata")
	}
	m, format, err := image.Decode(bytes.NewReader(r.Thumb))
	if err != nil {
		tb.Fatalf("thumbnail: %v", err)
	}
	if "image/"+format != r.ThumbType {
		tb.Fatalf("thumbnail is %s, ThumbType %q", format, r.ThumbType)
	}
	b := m.Bounds()
	if b.Dx() > size || b.Dy() > size || b.Dx() > r.Width || b.Dy() > r.Height {
		tb.Fatalf("thumbnail %v for a %d×%d image, size %d", b, r.Width, r.Height, size)
	}
	// Same aspect ratio, give or take a pixel of rounding.
	scale := min(1, float64(size)/float64(max(r.Width, r.Height)))
	if math.Abs(float64(r.Width)*scale-float64(b.Dx())) > 1 || math.Abs(float64(r.Height)*scale-float64(b.Dy())) > 1 {
		tb.Fatalf("thumbnail %v does not keep the aspect of %d×%d", b, r.Width, r.Height)
	}
}

func thumbSize(t *testing.T, r *media.Result) image.Image {
	t.Helper()
	m, _, err := image.Decode(bytes.NewReader(r.Thumb))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sameImage(t *testing.T, a, b []byte) {
	t.Helper()
	ma, _, err := image.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	mb, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if ma.Bounds() != mb.Bounds() {
		t.Fatalf("bounds %v, %v", ma.Bounds(), mb.Bounds())
	}
	r := ma.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ma.At(x, y) != mb.At(x, y) {
				t.Fatalf("pixel %d,%d: %v, %v", x, y, ma.At(x, y), mb.At(x, y))
			}
		}
	}
}

func TestProcessPNG(t *testing.T) {
	in := mediatest.PNG(640, 480)
	t.Run("Keep", func(t *testing.T) {
		r := mustProcess(t, in, media.Options{})
		if r.Type != "image/png" || !r.Image || r.Width != 640 || r.Height != 480 {
			t.Fatalf("got %q image=%v %d×%d", r.Type, r.Image, r.Width, r.Height)
		}
		if &r.Data[0] != &in[0] {
			t.Fatal("Data is not the input")
		}
		if r.ThumbType != "image/jpeg" || thumbSize(t, r).Bounds() != image.Rect(0, 0, 320, 240) {
			t.Fatalf("thumbnail %s %v", r.ThumbType, thumbSize(t, r).Bounds())
		}
		if !slices.Contains(mediatest.PNGChunkTypes(r.Data), "tEXt") {
			t.Fatal("tEXt gone without StripMetadata")
		}
	})
	t.Run("Strip", func(t *testing.T) {
		// Every kind of text and EXIF, and HTML after IEND.
		p := mediatest.InsertPNGChunk(in, "eXIf", []byte("MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"))
		p = mediatest.InsertPNGChunk(p, "zTXt", []byte("Comment\x00\x00x\x9c\x03\x00\x00\x00\x00\x01"))
		p = mediatest.InsertPNGChunk(p, "iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>"))
		p = mediatest.InsertPNGChunk(p, "tIME", []byte{0x07, 0xea, 1, 2, 3, 4, 5})
		p = mediatest.InsertPNGChunk(p, "gAMA", binary.BigEndian.AppendUint32(nil, 45455))
		p = append(p, mediatest.HTML...)
		r := mustProcess(t, p, media.Options{StripMetadata: true})
		if r.Type != "image/png" || !r.Image {
			t.Fatalf("got %q image=%v", r.Type, r.Image)
		}
		got := mediatest.PNGChunkTypes(r.Data)
		for _, c := range got {
			switch c {
			case "eXIf", "tEXt", "zTXt", "iTXt", "tIME":
				t.Fatalf("%s kept: %v", c, got)
			}
		}
		if !slices.Contains(got, "gAMA") || !slices.Contains(got, "IDAT") {
			t.Fatalf("chunks %v", got)
		}
		if bytes.Contains(r.Data, []byte("<script")) {
			t.Fatal("HTML kept")
		}
		sameImage(t, r.Data, in)
		// Chunks are copied whole: the strict decoder checks every CRC.
		if _, err := png.Decode(bytes.NewReader(r.Data)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestProcessPNGAlpha(t *testing.T) {
	r := mustProcess(t, mediatest.PNGAlpha(100, 700), media.Options{StripMetadata: true})
	if r.Type != "image/png" || !r.Image || r.Width != 100 || r.Height != 700 {
		t.Fatalf("got %q image=%v %d×%d", r.Type, r.Image, r.Width, r.Height)
	}
	if r.ThumbType != "image/png" {
		t.Fatalf("thumbnail %s", r.ThumbType)
	}
	m := thumbSize(t, r)
	if m.Bounds() != image.Rect(0, 0, 46, 320) {
		t.Fatalf("thumbnail %v", m.Bounds())
	}
	if _, _, _, a := m.At(45, 10).RGBA(); a > 0x2000 {
		t.Fatalf("right edge alpha %#x", a)
	}
	if _, _, _, a := m.At(0, 10).RGBA(); a < 0xe000 {
		t.Fatalf("left edge alpha %#x", a)
	}
}

func TestProcessJPEG(t *testing.T) {
	in := mediatest.JPEGWithGPS(64, 32, 1)
	if !mediatest.HasGPS(in) || !bytes.Contains(in, mediatest.GPSMarker()) {
		t.Fatal("the builder has no GPS")
	}
	t.Run("Keep", func(t *testing.T) {
		r := mustProcess(t, in, media.Options{})
		if r.Type != "image/jpeg" || !r.Image || r.Width != 64 || r.Height != 32 || r.ThumbType != "image/jpeg" {
			t.Fatalf("got %q image=%v %d×%d %s", r.Type, r.Image, r.Width, r.Height, r.ThumbType)
		}
		if !mediatest.HasGPS(r.Data) {
			t.Fatal("GPS gone without StripMetadata")
		}
	})
	t.Run("Strip", func(t *testing.T) {
		r := mustProcess(t, in, media.Options{StripMetadata: true})
		if !r.Image || r.Width != 64 || r.Height != 32 {
			t.Fatalf("got %q image=%v %d×%d", r.Type, r.Image, r.Width, r.Height)
		}
		if mediatest.HasGPS(r.Data) || bytes.Contains(r.Data, mediatest.GPSMarker()) || bytes.Contains(r.Data, []byte("mediatest")) {
			t.Fatal("EXIF kept")
		}
		if o := mediatest.Orientation(r.Data); o != 0 {
			t.Fatalf("orientation %d written for orientation 1", o)
		}
		if len(r.Data) != len(in)-(4+len(exifPayload(t, in))) {
			t.Fatalf("%d bytes from %d: more than the APP1 segment removed", len(r.Data), len(in))
		}
		sameImage(t, r.Data, in)
	})
	t.Run("Segments", func(t *testing.T) {
		// APP0 JFIF, APP2 ICC and APP14 Adobe stay; APP1 XMP, APP13,
		// COM, APP2 MPF and what follows EOI go.
		seg := func(m byte, payload string) []byte {
			n := 2 + len(payload)
			return append([]byte{0xff, m, byte(n >> 8), byte(n)}, payload...)
		}
		var p []byte
		p = append(p, in[:2]...)
		p = append(p, seg(0xe0, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")...)
		p = append(p, seg(0xe1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS</x:xmpmeta>")...)
		p = append(p, seg(0xe2, "ICC_PROFILE\x00\x01\x01fakeprofile")...)
		p = append(p, seg(0xe2, "MPF\x00II*\x00")...)
		p = append(p, seg(0xed, "Photoshop 3.0\x008BIM")...)
		p = append(p, seg(0xfe, "a comment")...)
		p = append(p, seg(0xee, "Adobe\x00\x64\x00\x00\x00\x00\x01")...)
		p = append(p, in[2:]...)
		p = append(p, "trailer: second image, vendor data"...)
		r := mustProcess(t, p, media.Options{StripMetadata: true})
		if !r.Image {
			t.Fatalf("got %q", r.Type)
		}
		for _, s := range []string{"JFIF", "ICC_PROFILE", "Adobe"} {
			if !bytes.Contains(r.Data, []byte(s)) {
				t.Errorf("%s gone", s)
			}
		}
		for _, s := range []string{"xmpmeta", "MPF", "Photoshop", "a comment", "trailer", "mediatest"} {
			if bytes.Contains(r.Data, []byte(s)) {
				t.Errorf("%s kept", s)
			}
		}
		if !bytes.HasSuffix(r.Data, []byte{0xff, 0xd9}) {
			t.Error("does not end with EOI")
		}
	})
}

// exifPayload returns the payload of the first APP1 segment of j (after
// its length).
func exifPayload(t *testing.T, j []byte) []byte {
	if j[2] != 0xff || j[3] != 0xe1 {
		t.Fatal("no APP1 after SOI")
	}
	n := int(binary.BigEndian.Uint16(j[4:]))
	return j[6 : 4+n]
}

func TestProcessJPEGOrientation(t *testing.T) {
	// The stored pixels have a red top-left quadrant; as displayed it is
	// in this corner.
	corner := map[int]string{1: "TL", 2: "TR", 3: "BR", 4: "BL", 5: "TL", 6: "TR", 7: "BR", 8: "BL"}
	for o := 1; o <= 8; o++ {
		in := mediatest.JPEGWithGPS(640, 320, o)
		for _, strip := range []bool{false, true} {
			r := mustProcess(t, in, media.Options{StripMetadata: strip})
			w, h := 640, 320
			if o >= 5 {
				w, h = h, w
			}
			if r.Width != w || r.Height != h {
				t.Fatalf("orientation %d: %d×%d, want %d×%d", o, r.Width, r.Height, w, h)
			}
			m := thumbSize(t, r)
			if m.Bounds() != image.Rect(0, 0, w/2, h/2) {
				t.Fatalf("orientation %d: thumbnail %v", o, m.Bounds())
			}
			tw, th := m.Bounds().Dx(), m.Bounds().Dy()
			red := ""
			for _, c := range []struct {
				name string
				x, y int
			}{{"TL", tw / 4, th / 4}, {"TR", tw * 3 / 4, th / 4}, {"BL", tw / 4, th * 3 / 4}, {"BR", tw * 3 / 4, th * 3 / 4}} {
				if r, _, b, _ := m.At(c.x, c.y).RGBA(); r > 0x8000 && b < 0x8000 {
					red += c.name
				}
			}
			if red != corner[o] {
				t.Fatalf("orientation %d: red quadrant %q, want %s", o, red, corner[o])
			}
			if strip {
				if mediatest.HasGPS(r.Data) {
					t.Fatalf("orientation %d: GPS kept", o)
				}
				want := o
				if o == 1 {
					want = 0 // no Exif at all
				}
				if got := mediatest.Orientation(r.Data); got != want {
					t.Fatalf("orientation %d: %d after strip", o, got)
				}
			}
		}
	}
}

func TestProcessGIF(t *testing.T) {
	in := mediatest.GIF(50, 30)
	r := mustProcess(t, in, media.Options{})
	if r.Type != "image/gif" || !r.Image || r.Width != 50 || r.Height != 30 {
		t.Fatalf("got %q image=%v %d×%d", r.Type, r.Image, r.Width, r.Height)
	}
	if thumbSize(t, r).Bounds() != image.Rect(0, 0, 50, 30) {
		t.Fatal("upscaled or cropped")
	}
	r = mustProcess(t, in, media.Options{StripMetadata: true})
	if !r.Image {
		t.Fatal("not an image after strip")
	}
	for _, s := range []string{"mediatest", "XMP DataXMP", mediatest.XMPMarker} {
		if bytes.Contains(r.Data, []byte(s)) {
			t.Errorf("%s kept", s)
		}
	}
	if !bytes.Contains(r.Data, []byte("NETSCAPE2.0")) {
		t.Error("loop extension gone")
	}
	g, err := gif.DecodeAll(bytes.NewReader(r.Data))
	if err != nil || len(g.Image) != 2 || g.LoopCount != 0 {
		t.Fatalf("animation: %v", err)
	}
	sameImage(t, r.Data, in)
}

func TestProcessGIFPartialFrame(t *testing.T) {
	// The first frame covers the middle of a larger canvas: the rest of
	// the thumbnail is transparent, so it is a PNG.
	pal := color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}}
	m := image.NewPaletted(image.Rect(100, 100, 300, 200), pal)
	var b bytes.Buffer
	err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{m}, Delay: []int{0},
		Config: image.Config{ColorModel: pal, Width: 800, Height: 400}})
	if err != nil {
		t.Fatal(err)
	}
	r := mustProcess(t, b.Bytes(), media.Options{})
	if !r.Image || r.Width != 800 || r.Height != 400 || r.ThumbType != "image/png" {
		t.Fatalf("got %q image=%v %d×%d %s", r.Type, r.Image, r.Width, r.Height, r.ThumbType)
	}
	th := thumbSize(t, r)
	if _, _, _, a := th.At(10, 10).RGBA(); a != 0 {
		t.Fatal("outside the frame is not transparent")
	}
	if r, _, _, a := th.At(80, 60).RGBA(); a != 0xffff || r != 0xffff {
		t.Fatalf("inside the frame: %v", th.At(80, 60))
	}
}

func TestProcessWebP(t *testing.T) {
	in := mediatest.WebP()
	r := mustProcess(t, in, media.Options{StripMetadata: true})
	if r.Type != "image/webp" || !r.Image || r.Width != 1 || r.Height != 1 || r.ThumbType != "image/jpeg" {
		t.Fatalf("got %q image=%v %d×%d %s", r.Type, r.Image, r.Width, r.Height, r.ThumbType)
	}
	if !bytes.Equal(r.Data, in) {
		t.Fatal("a WebP without metadata changed")
	}
	if c := thumbSize(t, r).At(0, 0); !isRed(c) {
		t.Fatalf("thumbnail pixel %v", c)
	}

	t.Run("Extended", func(t *testing.T) {
		// VP8X with EXIF and XMP chunks (odd sizes: padded) around the
		// same bitstream.
		chunk := func(fcc string, data []byte) []byte {
			c := append([]byte(fcc), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
			c = append(c, data...)
			if len(data)%2 == 1 {
				c = append(c, 0)
			}
			return c
		}
		body := []byte("WEBP")
		body = append(body, chunk("VP8X", []byte{0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0})...)
		body = append(body, chunk("EXIF", []byte("II*\x00GPS!!"))...)
		body = append(body, mediatest.VP8L()...)
		body = append(body, chunk("XMP ", []byte("<x:xmpmeta>GPS</x:xmpmeta>"))...)
		p := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
		p = append(p, body...)
		p = append(p, "<html>after the RIFF form"...)

		r := mustProcess(t, p, media.Options{})
		if !r.Image || r.Width != 1 {
			t.Fatalf("got %q image=%v", r.Type, r.Image)
		}
		r = mustProcess(t, p, media.Options{StripMetadata: true})
		if !r.Image {
			t.Fatalf("got %q image=%v", r.Type, r.Image)
		}
		want := []byte("RIFF")
		want = binary.LittleEndian.AppendUint32(want, 4+18+uint32(len(mediatest.VP8L())))
		want = append(want, "WEBP"...)
		want = append(want, chunk("VP8X", make([]byte, 10))...)
		want = append(want, mediatest.VP8L()...)
		if !bytes.Equal(r.Data, want) {
			t.Fatalf("stripped\n%q\nwant\n%q", r.Data, want)
		}
		if _, err := webp.Decode(bytes.NewReader(r.Data)); err != nil {
			t.Fatal(err)
		}
	})
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r > 0xe000 && g < 0x2000 && b < 0x2000
}

func TestProcessNotImages(t *testing.T) {
	pngHeader := mediatest.PNG(8, 8)[:33] // signature and IHDR
	for _, c := range []struct {
		name, want string
		data       []byte
	}{
		{"Polyglot", octet, mediatest.Polyglot()},
		{"PNGSignatureAndHTML", octet, append([]byte("\x89PNG\r\n\x1a\n"), mediatest.HTML...)},
		{"PNGHeaderAndHTML", octet, append(slices.Clone(pngHeader), mediatest.HTML...)},
		{"JPEGMagicAndHTML", octet, append([]byte("\xff\xd8\xff\xe0"), mediatest.HTML...)},
		{"WebPMagicAndHTML", octet, []byte("RIFF\x40\x00\x00\x00WEBPVP8L" + mediatest.HTML)},
		{"TruncatedJPEG", octet, truncate(mediatest.JPEGWithGPS(64, 64, 6))},
		{"JPEGWithoutEOI", octet, bytes.TrimSuffix(mediatest.JPEGWithGPS(64, 64, 1), []byte{0xff, 0xd9})},
		{"TruncatedPNG", octet, truncate(mediatest.PNG(64, 64))},
		{"TruncatedGIF", octet, truncate(mediatest.GIF(64, 64))},
		{"SVG", "image/svg+xml", mediatest.SVGWithScript()},
		{"HTML", "text/html; charset=utf-8", []byte("<!DOCTYPE html>" + mediatest.HTML)},
		{"Text", "text/plain; charset=utf-8", []byte("just a note\n")},
		{"PDF", "application/pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")},
		{"ZIP", "application/zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")},
		{"Binary", octet, []byte{0, 1, 2, 3, 0xfe, 0xff}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, strip := range []bool{false, true} {
				r, err := media.Process(c.data, media.Options{StripMetadata: strip})
				if strip && c.want == octet && err != nil {
					// Starts as an image, breaks off: refused rather than
					// kept with whatever metadata it holds.
					if err != media.ErrDamaged {
						t.Fatalf("err = %v", err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if r.Type != c.want || r.Image || media.Inline(r.Type) || r.Thumb != nil {
					t.Fatalf("got %q image=%v", r.Type, r.Image)
				}
				if strip && mediatest.HasGPS(r.Data) {
					t.Fatal("a plain file kept its location")
				}
			}
		})
	}
}

func TestProcessEmpty(t *testing.T) {
	for _, data := range [][]byte{nil, {}} {
		r, err := media.Process(data, media.Options{})
		if r != nil || chat.ErrorCode(err) != chat.EFileEmpty {
			t.Fatalf("got %v, %v", r, err)
		}
	}
}

// pngWithSize returns a PNG whose IHDR claims w×h (8-bit RGBA) and whose
// IDAT starts a zlib stream of zeros: a decompression bomb's start.
func pngWithSize(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	p := []byte("\x89PNG\r\n\x1a\n")
	p = append(p, chunk("IHDR", ihdr)...)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 1<<20)) // the first rows: zeros, 1 MB in 1 kB
	zw.Close()
	p = append(p, chunk("IDAT", z.Bytes())...)
	return append(p, chunk("IEND", nil)...)
}

func TestProcessDecompressionBomb(t *testing.T) {
	bomb := pngWithSize(100000, 100000)
	if c, err := png.DecodeConfig(bytes.NewReader(bomb)); err != nil || c.Width != 100000 {
		t.Fatalf("the bomb's header does not parse: %v", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := mustProcess(t, bomb, media.Options{StripMetadata: true})
	runtime.ReadMemStats(&after)
	if r.Type != octet || r.Image {
		t.Fatalf("got %q image=%v", r.Type, r.Image)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Fatalf("allocated %d bytes", n)
	}

	t.Run("MaxPixels", func(t *testing.T) {
		in := mediatest.PNG(100, 50)
		if r := mustProcess(t, in, media.Options{MaxPixels: 5000}); !r.Image {
			t.Fatal("5000 pixels refused")
		}
		if r := mustProcess(t, in, media.Options{MaxPixels: 4999}); r.Image || r.Type != octet {
			t.Fatalf("got %q image=%v", r.Type, r.Image)
		}
		// A JPEG's SOF is checked before decoding too.
		j := mediatest.JPEGWithGPS(100, 50, 1)
		if r := mustProcess(t, j, media.Options{MaxPixels: 4999}); r.Image || r.Type != octet {
			t.Fatalf("got %q image=%v", r.Type, r.Image)
		}
	})
}

func TestProcessThumbSize(t *testing.T) {
	for _, c := range []struct {
		w, h, size int
		want       image.Rectangle
	}{
		{10, 5, 0, image.Rect(0, 0, 10, 5)}, // never upscaled
		{320, 320, 0, image.Rect(0, 0, 320, 320)},
		{1000, 10, 0, image.Rect(0, 0, 320, 3)},
		{2000, 1, 0, image.Rect(0, 0, 320, 1)},
		{1, 2000, 0, image.Rect(0, 0, 1, 320)},
		{1200, 900, 100, image.Rect(0, 0, 100, 75)},
		{1279, 961, 0, image.Rect(0, 0, 320, 240)},
	} {
		r := mustProcess(t, mediatest.PNG(c.w, c.h), media.Options{ThumbSize: c.size})
		if got := thumbSize(t, r).Bounds(); got != c.want {
			t.Errorf("%d×%d in %d: %v, want %v", c.w, c.h, c.size, got, c.want)
		}
	}
}

func TestSniff(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"\x89PNG\r\n\x1a\n", "image/png"},
		{"\xff\xd8\xff\xdb", "image/jpeg"},
		{"GIF87a", "image/gif"},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"},
		{"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wave"},
		{"%PDF-1.4", "application/pdf"},
		{"PK\x05\x06" + strings.Repeat("\x00", 18), "application/zip"},
		{"<svg/>", "image/svg+xml"},
		{"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'>", "image/svg+xml"},
		{"<?xml version='1.0'?><?xml-stylesheet href='a.css'?><!-- <html> --><svg>", "image/svg+xml"},
		{"<!DOCTYPE svg [ <!ENTITY x '>'> ]>\n<svg>", "image/svg+xml"},
		{"<svg:svg xmlns:svg='http://www.w3.org/2000/svg'>", "image/svg+xml"},
		{"<SVG onload=alert(1)>", "image/svg+xml"},
		{"<?xml version='1.0'?><svgx/>", "text/xml; charset=utf-8"},
		{"<?xml version='1.0'?><html><svg>", "text/xml; charset=utf-8"},
		{"<html><svg>", "text/html; charset=utf-8"},
		{"<!-- unclosed <svg>", "text/html; charset=utf-8"},
		{"hello", "text/plain; charset=utf-8"},
		{"", octet},
	} {
		if got := media.Sniff([]byte(c.data)); got != c.want {
			t.Errorf("Sniff(%q) = %q, want %q", c.data, got, c.want)
		}
	}
}

func TestInline(t *testing.T) {
	for typ, want := range map[string]bool{
		"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
		"image/svg+xml": false, "image/bmp": false, "text/html; charset=utf-8": false,
		"application/pdf": false, octet: false, "": false, "image/png; x=1": false,
	} {
		if media.Inline(typ) != want {
			t.Errorf("Inline(%q) = %v", typ, !want)
		}
	}
}

func FuzzProcess(f *testing.F) {
	for _, seed := range [][]byte{
		mediatest.PNG(3, 2),
		mediatest.PNGAlpha(2, 3),
		mediatest.JPEGWithGPS(8, 8, 6),
		mediatest.GIF(4, 4),
		mediatest.WebP(),
		mediatest.Polyglot(),
		mediatest.SVGWithScript(),
		pngWithSize(100000, 100000),
		[]byte("%PDF-1.7"),
		[]byte("PK\x03\x04"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, o := range []media.Options{
			{MaxPixels: 1 << 20},
			{StripMetadata: true, ThumbSize: 16, MaxPixels: 1 << 20},
		} {
			in := slices.Clone(data)
			r, err := media.Process(data, o)
			if len(data) == 0 {
				if err == nil {
					t.Fatal("no error for empty data")
				}
				return
			}
			if err == media.ErrDamaged && o.StripMetadata {
				return // starts as an image, breaks off: refused
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, in) {
				t.Fatal("Process modified its input")
			}
			checkInvariants(t, data, o, r)
			if r.Image && o.StripMetadata {
				// What is stored is what a second pass keeps.
				again := mustProcess(t, r.Data, o)
				if !again.Image || again.Width != r.Width || again.Height != r.Height {
					t.Fatalf("stripped data: image=%v %d×%d, was %d×%d", again.Image, again.Width, again.Height, r.Width, r.Height)
				}
			}
		}
	})
}

func BenchmarkThumbnail5MBPhoto(b *testing.B) {
	photo := mediatest.Photo(4000, 3000, 92)
	b.ReportAllocs()
	for b.Loop() {
		r, err := media.Process(photo, media.Options{StripMetadata: true})
		if err != nil || !r.Image || r.Width != 4000 || mediatest.HasGPS(r.Data) {
			b.Fatalf("got %v, %v", r, err)
		}
	}
	// After the loop: b.Loop's first call deletes metrics reported before.
	b.ReportMetric(float64(len(photo))/1e6, "MB")
}

// truncate returns the first two thirds of b.
func truncate(b []byte) []byte { return b[:len(b)*2/3] }

// A GIF whose first frame is one pixel on a large canvas: the frame scales
// to less than a pixel, and the thumbnail must still end (it once looped).
func TestTinyFrameOnALargeCanvas(t *testing.T) {
	var buf bytes.Buffer
	frame := image.NewPaletted(image.Rect(0, 0, 1, 1), color.Palette{color.Black, color.White})
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{frame}, Delay: []int{0},
		Config: image.Config{ColorModel: frame.Palette, Width: 1000, Height: 1000}}); err != nil {
		t.Fatal(err)
	}
	done := make(chan *media.Result, 1)
	go func() { r, _ := media.Process(buf.Bytes(), media.Options{StripMetadata: true}); done <- r }()
	select {
	case r := <-done:
		if r == nil || !r.Image || len(r.Thumb) == 0 {
			t.Fatalf("%+v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the thumbnail of a 1-pixel frame on a 1000×1000 canvas does not end")
	}
}

// Metadata is removed by what is kept, not by what is known: a JPEG's
// APP11 (C2PA) and any unknown APPn, a PNG's unknown ancillary chunk go;
// so does the location of a photo too large to show inline.
func TestOnlyWhatDrawsIsKept(t *testing.T) {
	j := mediatest.JPEGWithGPS(64, 64, 1)
	app11 := append([]byte{0xff, 0xeb, 0x00, 0x0c}, []byte("C2PA-GPS-52")...)
	app11 = append(app11, 0)
	withC2PA := append(append(slices.Clone(j[:2]), app11...), j[2:]...)
	r := mustProcess(t, withC2PA, media.Options{StripMetadata: true})
	if !r.Image || bytes.Contains(r.Data, []byte("C2PA-GPS")) || mediatest.HasGPS(r.Data) {
		t.Fatalf("APP11 kept: image=%v", r.Image)
	}
	p := mediatest.InsertPNGChunk(mediatest.PNG(16, 16), "caBX", []byte("c2pa location 52N"))
	r = mustProcess(t, p, media.Options{StripMetadata: true})
	if !r.Image || bytes.Contains(r.Data, []byte("c2pa location")) {
		t.Fatalf("caBX kept: %v", mediatest.PNGChunkTypes(r.Data))
	}
	big := mediatest.JPEGWithGPS(300, 200, 1)
	r = mustProcess(t, big, media.Options{StripMetadata: true, MaxPixels: 100})
	if r.Image || r.Type != octet || mediatest.HasGPS(r.Data) {
		t.Fatalf("a photo over MaxPixels: image=%v type=%q gps=%v", r.Image, r.Type, mediatest.HasGPS(r.Data))
	}
}
