// Package media inspects and prepares chat attachments: it sniffs a file's
// type from its bytes (never from a name or a client's claim), decides
// whether it is an image shown inline, removes location and other metadata
// from images without re-encoding their pixels, and makes thumbnails.
//
// Only PNG, JPEG, GIF and WebP that decode whole are images; everything
// else, SVG and HTML included, is a plain file that is served as a
// download. A file that starts like an image but does not decode (a
// polyglot such as "GIF89a<html><script>…") is "application/octet-stream",
// so that no caller can serve it as an image or as HTML.
//
// It uses the standard library and golang.org/x/image only.
package media

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"

	"github.com/deskchat/deskchat/backend/chat"
)

// Defaults of Options.
const (
	DefaultThumbSize = 320        // px, the side of the square a thumbnail fits
	DefaultMaxPixels = 50_000_000 // width×height; a 16-bit RGBA PNG this big decodes into 400 MB
)

// Options for Process.
type Options struct {
	// StripMetadata removes EXIF, XMP, IPTC, comments and text chunks
	// (locations above all) from images; only a JPEG's EXIF orientation
	// is kept, so that portrait photos still display upright.
	StripMetadata bool
	// ThumbSize: the thumbnail fits ThumbSize×ThumbSize pixels;
	// 0 (or less) means DefaultThumbSize.
	ThumbSize int
	// MaxPixels: an image with more pixels (width×height from its header,
	// checked before anything is decoded: a decompression bomb) is not an
	// image but a plain file; 0 (or less) means DefaultMaxPixels. Decoding
	// and scaling take about 2.5 bytes per pixel for a baseline JPEG, 5.5
	// for a progressive one, up to 9 for a 16-bit RGBA PNG.
	MaxPixels int
}

// Result of Process.
type Result struct {
	// Type is the sniffed media type (see Sniff), except that data which
	// starts like an image but is not one that decodes whole is
	// "application/octet-stream".
	Type string
	// Image is true only for a PNG, JPEG, GIF or WebP that decoded whole
	// (a GIF: its block structure and first frame): those are shown inline.
	Image bool
	// Width and Height are the image's size in pixels as displayed, after
	// the EXIF orientation of a JPEG (5-8 swap them); 0 unless Image.
	Width, Height int
	// Data is what to store: for an image with StripMetadata, the input
	// without its metadata (the pixels' encoded bytes untouched); else
	// the input itself (the same slice).
	Data []byte
	// Thumb is an image's thumbnail, nil unless Image: it fits
	// ThumbSize×ThumbSize (never upscaled), upright (EXIF orientation
	// applied), a JPEG of quality 80 for an opaque image, a PNG when the
	// image has transparency.
	Thumb []byte
	// ThumbType is "image/jpeg" or "image/png"; "" unless Image.
	ThumbType string
}

// ErrDamaged is Process's answer (EInvalid) for bytes that start as a PNG,
// JPEG, GIF or WebP but whose structure breaks off, with StripMetadata:
// what they hold cannot be checked for a location.
var ErrDamaged = chat.Errorf(chat.EInvalid, "The image is damaged: it cannot be checked for location data. Export it again or send it as an archive.")

// thumbQuality is the JPEG quality of thumbnails.
const thumbQuality = 80

// Process sniffs data and, for a PNG, JPEG, GIF or WebP, checks its size,
// decodes it whole, removes its metadata (Options.StripMetadata) and makes
// its thumbnail. Anything that is not a supported image that decodes whole
// is a plain file with its sniffed Type (Image false): application/
// octet-stream for bytes that start as an image, Data stripped of metadata
// when its structure could be read (too many pixels, pixels that do not
// decode). Errors are *chat.Error: EFileEmpty for empty data, ErrDamaged
// (EInvalid) with StripMetadata for bytes that start as an image whose
// structure breaks off (a polyglot GIF+HTML, a truncated JPEG), whose
// metadata could not be found and removed. Process does not modify data; Result.Data
// may share it. It is safe for concurrent use; a large image uses both
// the decoder's memory and, while it is scaled, up to all CPUs.
func Process(data []byte, o Options) (*Result, error) {
	if len(data) == 0 {
		return nil, chat.Errorf(chat.EFileEmpty, "The file is empty.")
	}
	if o.ThumbSize <= 0 {
		o.ThumbSize = DefaultThumbSize
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	typ := Sniff(data)
	if !Inline(typ) {
		return &Result{Type: typ, Data: data}, nil
	}
	r, out, parsed := processImage(typ, data, o)
	switch {
	case r != nil:
		return r, nil
	case parsed:
		// Read but not shown (too many pixels, pixels that do not decode):
		// a plain file, its metadata gone all the same.
		return &Result{Type: typeBinary, Data: out}, nil
	case o.StripMetadata:
		// Not even its structure could be read, so its metadata cannot be
		// found either: refused rather than stored with a location.
		return nil, ErrDamaged
	}
	return &Result{Type: typeBinary, Data: data}, nil
}

// processImage returns the Result for data sniffed as the image type typ,
// nil when it is not an image that decodes whole within o.MaxPixels; out
// is what to store then: the bytes without metadata when its structure
// could be read (ok), nil when not even that.
func processImage(typ string, data []byte, o Options) (r *Result, out []byte, ok bool) {
	out, orientation, ok := data, 1, true
	fail := func() (*Result, []byte, bool) { return nil, out, ok }
	switch typ {
	case typeJPEG:
		out, orientation, ok = scanJPEG(data, o.StripMetadata)
	case typeGIF:
		out, ok = scanGIF(data, o.StripMetadata)
	case typePNG:
		if o.StripMetadata {
			out, ok = stripPNG(data)
		}
	case typeWebP:
		if o.StripMetadata {
			out, ok = stripWebP(data)
		}
	}
	if !ok {
		return nil, nil, false
	}
	// What is stored (out) is what is checked and decoded.
	cfg, err := decodeConfig(typ, out)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 ||
		int64(cfg.Width)*int64(cfg.Height) > int64(o.MaxPixels) {
		return fail()
	}
	m, err := decode(typ, out)
	if err != nil {
		return fail()
	}
	canvas := image.Rect(0, 0, cfg.Width, cfg.Height)
	if b := m.Bounds(); b.Empty() || !b.In(canvas) {
		return fail()
	}
	thumb, thumbType, err := thumbnail(m, canvas, orientation, o.ThumbSize)
	if err != nil {
		return fail()
	}
	r = &Result{Type: typ, Image: true, Width: cfg.Width, Height: cfg.Height,
		Data: out, Thumb: thumb, ThumbType: thumbType}
	if swapsAxes(orientation) {
		r.Width, r.Height = r.Height, r.Width
	}
	return r, out, true
}

// decodeConfig reads the header of an image of type typ. A decoder that
// panics on hostile input is an error, not a crash.
func decodeConfig(typ string, data []byte) (cfg image.Config, err error) {
	defer recoverDecoder(&err)
	r := bytes.NewReader(data)
	switch typ {
	case typePNG:
		return png.DecodeConfig(r)
	case typeJPEG:
		return jpeg.DecodeConfig(r)
	case typeGIF:
		return gif.DecodeConfig(r)
	case typeWebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("media: no decoder for %s", typ)
}

// decode decodes an image of type typ whole (a GIF: its first frame).
func decode(typ string, data []byte) (m image.Image, err error) {
	defer recoverDecoder(&err)
	r := bytes.NewReader(data)
	switch typ {
	case typePNG:
		return png.Decode(r)
	case typeJPEG:
		return jpeg.Decode(r)
	case typeGIF:
		return gif.Decode(r)
	case typeWebP:
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("media: no decoder for %s", typ)
}

func recoverDecoder(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("media: decoder panic: %v", p)
	}
}
