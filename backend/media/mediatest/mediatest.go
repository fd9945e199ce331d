// Package mediatest builds files for tests of attachments: small images of
// every supported format (with the metadata a phone or an editor leaves in
// them), hostile files (a GIF/HTML polyglot, an SVG with a script) and a
// photo-sized JPEG. Every builder is deterministic and returns fresh bytes.
// It imports only the standard library, so any package's tests may use it.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// HTML is the markup Polyglot carries and PNG hides in a tEXt chunk.
const HTML = "<html><body><script>alert(document.cookie)</script></body></html>"

// PNG returns an opaque w×h RGB PNG (a gradient) with a tEXt chunk
// (keyword "Comment", text HTML) after IHDR: a valid image that carries
// markup.
func PNG(w, h int) []byte {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetNRGBA(x, y, color.NRGBA{uint8(255 * x / max(1, w-1)), uint8(255 * y / max(1, h-1)), 128, 255})
		}
	}
	return InsertPNGChunk(encodePNG(m), "tEXt", []byte("Comment\x00"+HTML))
}

// PNGAlpha returns a w×h RGBA PNG whose alpha falls from opaque at the
// left edge to fully transparent at the right edge.
func PNGAlpha(w, h int) []byte {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetNRGBA(x, y, color.NRGBA{200, uint8(255 * y / max(1, h-1)), 40, uint8(255 - 255*x/max(1, w-1))})
		}
	}
	return encodePNG(m)
}

func encodePNG(m image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// InsertPNGChunk returns p with a chunk of type typ (4 letters) and data
// inserted after IHDR, with its CRC.
func InsertPNGChunk(p []byte, typ string, data []byte) []byte {
	const afterIHDR = 8 + 8 + 13 + 4 // signature, IHDR header, IHDR data, CRC
	out := append([]byte{}, p[:afterIHDR]...)
	out = append(out, PNGChunk(typ, data)...)
	return append(out, p[afterIHDR:]...)
}

// PNGChunk returns one PNG chunk: length, type, data and CRC.
func PNGChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// PNGChunkTypes returns the chunk types of the PNG p in order, up to IEND
// or the first chunk that runs past p.
func PNGChunkTypes(p []byte) []string {
	var types []string
	for i := 8; i+12 <= len(p); {
		n := int(binary.BigEndian.Uint32(p[i:]))
		if n < 0 || i+12+n > len(p) {
			break
		}
		types = append(types, string(p[i+4:i+8]))
		if string(p[i+4:i+8]) == "IEND" {
			break
		}
		i += 12 + n
	}
	return types
}

// Location JPEGWithGPS and Photo write into their GPS IFD: 52°31'0" N,
// 13°24'0" E.
var (
	gpsLatitude  = [6]uint32{52, 1, 31, 1, 0, 1}
	gpsLongitude = [6]uint32{13, 1, 24, 1, 0, 1}
)

// GPSMarker returns the 24 bytes of the GPSLatitude value (the rationals
// 52/1, 31/1, 0/1, little-endian) that JPEGWithGPS and Photo embed: a
// recognisable pattern to assert gone after stripping.
func GPSMarker() []byte {
	var b []byte
	for _, v := range gpsLatitude {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// JPEGWithGPS returns a w×h JPEG (quality 90, as stored: a red top-left
// quadrant, the rest blue) whose APP1 Exif segment, right after SOI, holds
// IFD0 with Make "mediatest", Orientation (1-8; 0 writes no Orientation
// tag) and a GPS IFD pointer (tag 0x8825) to a GPS IFD with latitude
// 52/1 31/1 0/1 N (see GPSMarker) and longitude 13/1 24/1 0/1 E.
func JPEGWithGPS(w, h int, orientation int) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{20, 40, 220, 255}
			if x < w/2 && y < h/2 {
				c = color.RGBA{230, 20, 20, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return insertAPP1(b.Bytes(), exifWithGPS(orientation))
}

// insertAPP1 returns the JPEG j with an APP1 segment holding payload
// right after SOI.
func insertAPP1(j, payload []byte) []byte {
	n := 2 + len(payload)
	out := append([]byte{}, j[:2]...)
	out = append(out, 0xff, 0xe1, byte(n>>8), byte(n))
	out = append(out, payload...)
	return append(out, j[2:]...)
}

// exifWithGPS returns an APP1 payload: "Exif\0\0" and a little-endian TIFF
// structure (IFD0: Make, Orientation unless 0, GPS IFD pointer; GPS IFD:
// version, latitude, longitude).
func exifWithGPS(orientation int) []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		data     []byte // inline when ≤ 4 bytes, else at an offset
	}
	le := binary.LittleEndian
	rationals := func(v [6]uint32) []byte {
		var b []byte
		for _, x := range v {
			b = le.AppendUint32(b, x)
		}
		return b
	}
	const (
		tByte, tASCII, tShort, tLong, tRational = 1, 2, 3, 4, 5
	)
	// Layout: header (8), IFD0, its data, GPS IFD, its data.
	ifd0 := []entry{{0x010f, tASCII, 10, []byte("mediatest\x00")}}
	if orientation != 0 {
		ifd0 = append(ifd0, entry{0x0112, tShort, 1, le.AppendUint16(nil, uint16(orientation))})
	}
	ifd0 = append(ifd0, entry{0x8825, tLong, 1, nil}) // data set below
	gps := []entry{
		{0x0000, tByte, 4, []byte{2, 3, 0, 0}},
		{0x0001, tASCII, 2, []byte("N\x00")},
		{0x0002, tRational, 3, rationals(gpsLatitude)},
		{0x0003, tASCII, 2, []byte("E\x00")},
		{0x0004, tRational, 3, rationals(gpsLongitude)},
	}
	ifdSize := func(es []entry) (n int) {
		n = 2 + 12*len(es) + 4
		for _, e := range es {
			if len(e.data) > 4 {
				n += len(e.data)
			}
		}
		return n
	}
	gpsOffset := 8 + ifdSize(ifd0)
	ifd0[len(ifd0)-1].data = le.AppendUint32(nil, uint32(gpsOffset))

	tiff := []byte("II*\x00")
	tiff = le.AppendUint32(tiff, 8)
	writeIFD := func(es []entry) {
		start := len(tiff)
		dataAt := start + 2 + 12*len(es) + 4
		var extra []byte
		tiff = le.AppendUint16(tiff, uint16(len(es)))
		for _, e := range es {
			tiff = le.AppendUint16(tiff, e.tag)
			tiff = le.AppendUint16(tiff, e.typ)
			tiff = le.AppendUint32(tiff, e.count)
			if len(e.data) <= 4 {
				v := make([]byte, 4)
				copy(v, e.data)
				tiff = append(tiff, v...)
			} else {
				tiff = le.AppendUint32(tiff, uint32(dataAt+len(extra)))
				extra = append(extra, e.data...)
			}
		}
		tiff = le.AppendUint32(tiff, 0) // no next IFD
		tiff = append(tiff, extra...)
	}
	writeIFD(ifd0)
	if len(tiff) != gpsOffset {
		panic("mediatest: EXIF layout")
	}
	writeIFD(gps)
	return append([]byte("Exif\x00\x00"), tiff...)
}

// HasGPS reports whether an APP1 Exif segment of the JPEG j has a GPS IFD
// pointer (tag 0x8825) in IFD0.
func HasGPS(j []byte) bool {
	found := false
	for _, p := range exifPayloads(j) {
		if _, ok := ifd0Tag(p, 0x8825); ok {
			found = true
		}
	}
	return found
}

// Orientation returns the Orientation tag of the first APP1 Exif segment
// of the JPEG j, 0 when there is none.
func Orientation(j []byte) int {
	for _, p := range exifPayloads(j) {
		v, _ := ifd0Tag(p, 0x0112)
		return int(v)
	}
	return 0
}

// exifPayloads returns the TIFF structures of the APP1 Exif segments of
// the JPEG j before its first scan.
func exifPayloads(j []byte) [][]byte {
	var ps [][]byte
	if len(j) < 2 || j[0] != 0xff || j[1] != 0xd8 {
		return nil
	}
	for i := 2; i+4 <= len(j) && j[i] == 0xff; {
		m := j[i+1]
		if m == 0xd9 || m == 0xda {
			break
		}
		n := int(binary.BigEndian.Uint16(j[i+2:]))
		if n < 2 || i+2+n > len(j) {
			break
		}
		p := j[i+4 : i+2+n]
		if m == 0xe1 && bytes.HasPrefix(p, []byte("Exif\x00\x00")) {
			ps = append(ps, p[6:])
		}
		i += 2 + n
	}
	return ps
}

// ifd0Tag returns the first 4 bytes of the value field of tag in IFD0 of
// the TIFF structure t, as a SHORT or LONG by its type.
func ifd0Tag(t []byte, tag uint16) (uint32, bool) {
	if len(t) < 8 {
		return 0, false
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if t[0] == 'M' {
		bo = binary.BigEndian
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 0, false
	}
	n := int(bo.Uint16(t[off:]))
	for i := 0; i < n && off+2+12*i+12 <= len(t); i++ {
		e := t[off+2+12*i:]
		if bo.Uint16(e) == tag {
			if bo.Uint16(e[2:]) == 3 {
				return uint32(bo.Uint16(e[8:])), true
			}
			return bo.Uint32(e[8:]), true
		}
	}
	return 0, false
}

// XMPMarker is in the XMP packet GIF embeds.
const XMPMarker = "exif:GPSLatitude"

// GIF returns an animated w×h GIF (two frames, looping: a NETSCAPE2.0
// application extension) with a comment extension and an XMP application
// extension ("XMP DataXMP", holding XMPMarker) before its first frame.
func GIF(w, h int) []byte {
	pal := palette.Plan9[:64]
	frames := make([]*image.Paletted, 2)
	for f := range frames {
		m := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				m.SetColorIndex(x, y, uint8((x/4+y/4+f*7)%len(pal)))
			}
		}
		frames[f] = m
	}
	var b bytes.Buffer
	err := gif.EncodeAll(&b, &gif.GIF{Image: frames, Delay: []int{50, 50}, LoopCount: 0})
	if err != nil {
		panic(err)
	}
	g := b.Bytes()
	at := 13
	if flags := g[10]; flags&0x80 != 0 {
		at += 3 << (flags&7 + 1)
	}
	var ext []byte
	ext = append(ext, 0x21, 0xfe)
	ext = appendSubBlocks(ext, []byte("made by mediatest at 52N 13E"))
	ext = append(ext, 0x21, 0xff, 11)
	ext = append(ext, "XMP DataXMP"...)
	ext = appendSubBlocks(ext, []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description `+
		XMPMarker+`="52,31.0N"/></rdf:RDF></x:xmpmeta>`))
	out := append([]byte{}, g[:at]...)
	out = append(out, ext...)
	return append(out, g[at:]...)
}

// appendSubBlocks appends data as GIF sub-blocks and their terminator.
func appendSubBlocks(b, data []byte) []byte {
	for len(data) > 0 {
		n := min(255, len(data))
		b = append(b, byte(n))
		b = append(b, data[:n]...)
		data = data[n:]
	}
	return append(b, 0)
}

// WebP returns a 1×1 lossless WebP (a simple-format VP8L chunk), an opaque
// red pixel, built by hand: 30 bytes.
func WebP() []byte {
	return append([]byte{}, webp1x1...)
}

var webp1x1 = []byte{
	'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P',
	'V', 'P', '8', 'L', 10, 0, 0, 0,
	0x2f,       // VP8L signature
	0, 0, 0, 0, // width-1 (14 bits), height-1 (14 bits), no alpha, version 0
	// LSB first: no transform, no colour cache, no meta prefix codes, then
	// five simple prefix codes of one symbol each: green 0, red 255,
	// blue 0, alpha 255, distance 0. A one-symbol code takes no bits per
	// pixel, so the pixel itself needs none.
	0x88, 0xfe, 0x47, 0xff, 0x03,
}

// VP8L returns the VP8L chunk (header and payload) inside WebP.
func VP8L() []byte { return append([]byte{}, webp1x1[12:]...) }

// Polyglot returns bytes that start like a GIF ("GIF89a") and go on as an
// HTML page with a script: no image decodes from them.
func Polyglot() []byte {
	return []byte("GIF89a" + HTML)
}

// SVGWithScript returns an SVG document (XML declaration, comment, doctype,
// then the svg root) that runs a script when a browser renders it.
func SVGWithScript() []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- drawn by hand -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10">
  <script>alert(document.cookie)</script>
  <rect width="10" height="10" fill="red"/>
</svg>
`)
}

// Photo returns a w×h photo-like JPEG of the given quality (1-100): smooth
// colour gradients and a soft disc under strong pseudo-random grain (fixed
// seed, so the same bytes every time), 4:2:0 like a camera's, with an APP1
// Exif segment like JPEGWithGPS(…, 1)'s (orientation 1, a GPS IFD).
// Photo(4000, 3000, 92) is 5,358,246 bytes (5.4 MB): a 12-megapixel phone
// photo. It takes about 0.7 s.
func Photo(w, h int, quality int) []byte {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint64(0x9e3779b97f4a7c15)
	rnd := func() uint64 { // xorshift64
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return seed
	}
	clamp := func(v int) uint8 { return uint8(min(255, max(0, v))) }
	const grain = 30 // the spread of the luma noise: it sets the file size
	for y := 0; y < h; y++ {
		row := m.Y[y*m.YStride:]
		for x := 0; x < w; x += 4 {
			r := rnd()
			base := 40 + 150*y/max(1, h) + 40*x/max(1, w)
			// a soft bright disc in the upper third
			dx, dy := x-w*2/3, y-h/3
			if d := dx*dx + dy*dy; d < (h/5)*(h/5) {
				base += 50 - 50*d/max(1, (h/5)*(h/5))
			}
			for k := 0; k < 4 && x+k < w; k++ {
				row[x+k] = clamp(base + int(r>>(16*k)&0xffff)%grain - grain/2)
			}
		}
	}
	cw, ch := (w+1)/2, (h+1)/2
	for y := 0; y < ch; y++ {
		for x := 0; x < cw; x++ {
			r := rnd()
			i := y*m.CStride + x
			m.Cb[i] = clamp(150 - 60*y/max(1, ch) + int(r&0x0f) - 8)
			m.Cr[i] = clamp(110 + 50*x/max(1, cw) + int(r>>8&0x0f) - 8)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: quality}); err != nil {
		panic(err)
	}
	return insertAPP1(b.Bytes(), exifWithGPS(1))
}
