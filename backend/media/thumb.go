package media

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"runtime"
	"sync"

	"golang.org/x/image/draw"
)

// Scaling. A 12-megapixel photo goes down to 320×240 in two steps:
//
//   - halving (shrink) while the image stays at least twice the thumbnail:
//     ApproxBiLinear at exactly half size samples the middle of every 2×2
//     block, so each step is a 2×2 box average (exact for even sizes; no
//     aliasing), and it computes only the destination rows asked for, so
//     the rows are split among the CPUs with results identical to one pass;
//   - CatmullRom from there (2-4× the thumbnail) to the final size: sharp,
//     and cheap on the small image.
//
// Measured on 2 cores for a 4000×3000, 5.4 MB JPEG (mediatest.Photo): the
// JPEG decode takes about 0.4 s (Go's image/jpeg has no DCT scaling, so it
// decodes at full size), the thumbnail 0.1 s. CatmullRom alone on the full
// image gives the same quality but visits every source pixel dozens of
// times: 0.45 s. ApproxBiLinear alone takes a few milliseconds but samples
// 4 pixels per thumbnail pixel: a photo scaled 12× with it shimmers with
// noise and aliasing. See BenchmarkThumbnail5MBPhoto.
var (
	halver      draw.Interpolator = draw.ApproxBiLinear
	finalScaler draw.Interpolator = draw.CatmullRom
)

// shrink halves m while the result stays at least 2w×2h, and returns it
// (m itself when it is already smaller than 4w×4h).
func shrink(m image.Image, w, h int) image.Image {
	w, h = max(w, 1), max(h, 1) // a frame scaled to nothing still ends the loop
	for {
		b := m.Bounds()
		hw, hh := b.Dx()/2, b.Dy()/2
		if hw < 2*w || hh < 2*h {
			return m
		}
		dst := image.NewRGBA(image.Rect(0, 0, hw, hh))
		src := m
		inBands(dst, func(band *image.RGBA) {
			halver.Scale(band, dst.Rect, src, b, draw.Src, nil)
		})
		m = dst
	}
}

// minBandRows: images with fewer rows per CPU are not worth splitting.
const minBandRows = 64

// inBands calls fn on horizontal bands of m (sub-images sharing its
// pixels), one per CPU, concurrently, and returns when all are done.
func inBands(m *image.RGBA, fn func(band *image.RGBA)) {
	h := m.Rect.Dy()
	n := min(runtime.GOMAXPROCS(0), h/minBandRows)
	if n <= 1 {
		fn(m)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		r := m.Rect
		r.Min.Y, r.Max.Y = m.Rect.Min.Y+h*i/n, m.Rect.Min.Y+h*(i+1)/n
		band := m.SubImage(r).(*image.RGBA)
		wg.Go(func() { fn(band) })
	}
	wg.Wait()
}

// thumbnail scales m, whose frame is canvas (a GIF's first frame may cover
// only part of its canvas), to fit size×size (never up), applies the EXIF
// orientation and encodes it: JPEG for an opaque image, PNG otherwise.
func thumbnail(m image.Image, canvas image.Rectangle, orientation, size int) ([]byte, string, error) {
	cw, ch := canvas.Dx(), canvas.Dy()
	// The thumbnail's size as displayed, then as stored.
	dw, dh := cw, ch
	if swapsAxes(orientation) {
		dw, dh = dh, dw
	}
	tw, th := fit(dw, dh, size)
	if swapsAxes(orientation) {
		tw, th = th, tw
	}

	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	b := m.Bounds()
	if tw == cw && th == ch {
		draw.Draw(dst, b, m, b.Min, draw.Src)
	} else {
		dr := image.Rect(
			scaleCoord(b.Min.X, tw, cw), scaleCoord(b.Min.Y, th, ch),
			scaleCoord(b.Max.X, tw, cw), scaleCoord(b.Max.Y, th, ch))
		// A frame far smaller than its canvas still covers a pixel.
		dr.Max.X, dr.Max.Y = max(dr.Max.X, dr.Min.X+1), max(dr.Max.Y, dr.Min.Y+1)
		src := shrink(m, dr.Dx(), dr.Dy())
		finalScaler.Scale(dst, dr, src, src.Bounds(), draw.Src, nil)
	}
	out := orient(dst, orientation)

	var buf bytes.Buffer
	if b == canvas && opaque(m) {
		if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: thumbQuality}); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), typeJPEG, nil
	}
	if err := png.Encode(&buf, out); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), typePNG, nil
}

// fit returns w×h scaled down to fit size×size, keeping the aspect ratio
// (each side at least 1 px); w×h itself when it fits.
func fit(w, h, size int) (int, int) {
	if w <= size && h <= size {
		return w, h
	}
	if w >= h {
		return size, max(1, int((int64(h)*int64(size)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(size)+int64(h)/2)/int64(h))), size
}

// scaleCoord maps coordinate x of a side of n pixels onto a side of t.
func scaleCoord(x, t, n int) int {
	return int((int64(x)*int64(t) + int64(n)/2) / int64(n))
}

// opaque reports whether m has no transparent or translucent pixel.
func opaque(m image.Image) bool {
	if o, ok := m.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// orient returns m as displayed under EXIF orientation o (1-8; see exif.go):
// m itself for 1, else a new image.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return m
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	dw, dh := w, h
	if swapsAxes(o) {
		dw, dh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2: // mirrored horizontally
				dx, dy = w-1-x, y
			case 3: // rotated 180°
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored vertically
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // rotate 90° clockwise
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // rotate 90° counter-clockwise
				dx, dy = y, w-1-x
			}
			si := m.PixOffset(x+m.Rect.Min.X, y+m.Rect.Min.Y)
			di := out.PixOffset(dx, dy)
			copy(out.Pix[di:di+4], m.Pix[si:si+4])
		}
	}
	return out
}
