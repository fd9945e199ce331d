package media

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// JPEG markers this package cares about.
const (
	markerSOI   = 0xd8
	markerEOI   = 0xd9
	markerSOS   = 0xda
	markerRST0  = 0xd0
	markerRST7  = 0xd7
	markerTEM   = 0x01
	markerAPP0  = 0xe0
	markerAPP1  = 0xe1 // Exif, XMP, extended XMP
	markerAPP2  = 0xe2 // ICC profile; also MPF and FlashPix
	markerAPP13 = 0xed // Photoshop IRB with IPTC
	markerAPP14 = 0xee // Adobe (colour transform)
	markerCOM   = 0xfe
)

// walkJPEG calls fn for each marker segment of data, in order, from SOI to
// the first EOI, until fn returns false. seg is the whole segment from its
// 0xFF (for SOS: followed by the entropy-coded data up to the next marker);
// payload is what follows the length field (nil for markers without one).
// Fill bytes and stray bytes between segments are skipped, as decoders do.
// walkJPEG returns the offset just past EOI, or -1 when data is not a
// well-formed JPEG up to its EOI (or fn stopped it).
func walkJPEG(data []byte, fn func(marker byte, seg, payload []byte) bool) int {
	if len(data) < 2 || data[0] != 0xff || data[1] != markerSOI {
		return -1
	}
	if !fn(markerSOI, data[:2], nil) {
		return -1
	}
	i := 2
	for {
		for i < len(data) && data[i] != 0xff {
			i++ // stray bytes: decoders skip them
		}
		for i+1 < len(data) && data[i+1] == 0xff {
			i++ // fill bytes
		}
		if i+1 >= len(data) {
			return -1 // no EOI
		}
		m := data[i+1]
		switch {
		case m == 0:
			i += 2 // a stuffed zero outside a scan: stray
			continue
		case m == markerEOI:
			fn(m, data[i:i+2], nil)
			return i + 2
		case m >= markerRST0 && m <= markerRST7, m == markerTEM, m == markerSOI:
			if !fn(m, data[i:i+2], nil) {
				return -1
			}
			i += 2
			continue
		}
		if i+4 > len(data) {
			return -1
		}
		end := i + 2 + int(binary.BigEndian.Uint16(data[i+2:]))
		if end < i+4 || end > len(data) {
			return -1
		}
		payload := data[i+4 : end]
		if m == markerSOS {
			end = scanEnd(data, end)
		}
		if !fn(m, data[i:end], payload) {
			return -1
		}
		i = end
	}
}

// scanEnd returns the offset of the marker that ends the entropy-coded data
// starting at i: an 0xFF followed by neither a stuffed zero, a restart
// marker nor another 0xFF; len(data) when there is none.
func scanEnd(data []byte, i int) int {
	for {
		j := bytes.IndexByte(data[i:], 0xff)
		if j < 0 {
			return len(data)
		}
		i += j
		if i+1 >= len(data) {
			return len(data)
		}
		if n := data[i+1]; n != 0 && n != 0xff && (n < markerRST0 || n > markerRST7) {
			return i
		}
		i++
	}
}

// scanJPEG checks that data is a well-formed JPEG up to its EOI (ok) and
// returns the Orientation (1-8) of its first Exif APP1 segment, 1 when it
// has none. With strip it also returns data with only the application
// segments that decode the pixels: APP0 (JFIF), the APP2 ICC profile and
// APP14 (Adobe colour transform); every other APPn (APP1 Exif and XMP,
// APP13 Photoshop and IPTC, APP11 C2PA, MPF, FlashPix, vendors' own) and
// COM go. It keeps every non-APP segment byte for byte, and
// drops whatever follows EOI (phones append extra images and vendor
// trailers there). When the orientation is not 1, a minimal Exif APP1
// holding only that tag is written back after SOI (after APP0 when APP0
// comes first). Without strip, out is data.
func scanJPEG(data []byte, strip bool) (out []byte, orientation int, ok bool) {
	if strip {
		out = make([]byte, 0, len(data))
	}
	insertAt, segments, sawExif := 0, 0, false
	end := walkJPEG(data, func(m byte, seg, payload []byte) bool {
		segments++
		keep := true
		switch m {
		case markerAPP1:
			if !sawExif && bytes.HasPrefix(payload, []byte(exifHeader)) {
				sawExif = true
				orientation = exifOrientation(payload)
			}
			keep = false
		case markerAPP2:
			keep = bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00"))
		case markerAPP0, markerAPP14:
		default:
			// Kept: only what decodes the pixels. Every other APPn
			// (APP11's C2PA manifests can hold a location too) and COM go.
			keep = !(m >= markerAPP0 && m <= markerAPP0+15 || m == markerCOM)
		}
		if !strip {
			return true
		}
		if keep {
			out = append(out, seg...)
		}
		if m == markerSOI && segments == 1 || m == markerAPP0 && segments == 2 {
			insertAt = len(out)
		}
		return true
	})
	if end < 0 {
		return nil, 0, false
	}
	if orientation == 0 {
		orientation = 1
	}
	if !strip {
		return data, orientation, true
	}
	if orientation != 1 {
		out = slices.Insert(out, insertAt, orientationAPP1(orientation)...)
	}
	return out, orientation, true
}
