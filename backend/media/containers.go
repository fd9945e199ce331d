package media

import (
	"bytes"
	"encoding/binary"
)

// Metadata removal for PNG, WebP and GIF. Chunks and blocks are copied
// byte for byte (PNG CRCs stay valid); pixels are never re-encoded.

// pngKept are the ancillary PNG chunks stripPNG keeps: those that change
// how the pixels look or move (colour, transparency, animation). Every
// other ancillary chunk goes: eXIf, the text chunks, tIME, C2PA's caBX and
// whatever a tool invents next. Critical chunks (upper-case first letter)
// always stay.
var pngKept = map[string]bool{"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true, "sBIT": true,
	"bKGD": true, "pHYs": true, "cICP": true, "mDCv": true, "cLLi": true, "acTL": true, "fcTL": true, "fdAT": true}

// stripPNG returns data with its critical chunks and the ancillary chunks
// of pngKept only, without whatever follows IEND; ok false when the chunk
// structure does not reach IEND.
func stripPNG(data []byte) (out []byte, ok bool) {
	if !bytes.HasPrefix(data, pngSignature) {
		return nil, false
	}
	out = make([]byte, 0, len(data))
	out = append(out, pngSignature...)
	i := len(pngSignature)
	for i+12 <= len(data) {
		n := uint64(binary.BigEndian.Uint32(data[i:]))
		end := uint64(i) + 12 + n
		if end > uint64(len(data)) {
			return nil, false
		}
		typ := string(data[i+4 : i+8])
		if critical := typ[0] >= 'A' && typ[0] <= 'Z'; critical || pngKept[typ] {
			out = append(out, data[i:end]...)
		}
		if typ == "IEND" {
			return out, true
		}
		i = int(end)
	}
	return nil, false
}

// WebP extended-format (VP8X) flags for metadata.
const (
	vp8xFlagEXIF = 1 << 3
	vp8xFlagXMP  = 1 << 2
)

// webpKept are the WebP chunks stripWebP keeps: the image, its alpha, its
// colour profile and its animation. EXIF, "XMP ", C2PA and any other go.
var webpKept = map[string]bool{"VP8 ": true, "VP8L": true, "VP8X": true, "ALPH": true, "ICCP": true, "ANIM": true, "ANMF": true}

// stripWebP returns data with the chunks of webpKept only, the VP8X flags
// for EXIF and XMP cleared, the RIFF size fixed and whatever follows the
// RIFF form dropped; ok false when the chunk structure is broken.
func stripWebP(data []byte) (out []byte, ok bool) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, false
	}
	lim := uint64(8) + uint64(binary.LittleEndian.Uint32(data[4:]))
	if lim > uint64(len(data)) {
		return nil, false
	}
	out = make([]byte, 0, lim)
	out = append(out, data[:12]...)
	for i := uint64(12); i < lim; {
		if i+8 > lim {
			return nil, false
		}
		n := uint64(binary.LittleEndian.Uint32(data[i+4:]))
		end := i + 8 + n
		if end > lim {
			return nil, false
		}
		if fcc := string(data[i : i+4]); webpKept[fcc] {
			start := len(out)
			out = append(out, data[i:end]...)
			if n%2 == 1 {
				out = append(out, 0) // the pad byte, written afresh
			}
			if fcc == "VP8X" && n >= 1 {
				out[start+8] &^= vp8xFlagEXIF | vp8xFlagXMP
			}
		}
		i = end + n%2
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, true
}

// GIF application extensions kept by stripGIF: the animation loop count
// (NETSCAPE2.0 and its alias ANIMEXTS1.0) and the ICC colour profile.
var gifKeptApps = []string{"NETSCAPE2.0", "ANIMEXTS1.0", "ICCRGBG1012"}

// scanGIF checks the block structure of a GIF (every frame and extension,
// without decoding pixels): ok when it reaches the trailer, or the end of
// data at a block boundary. With strip it also returns data without comment
// extensions, application extensions other than gifKeptApps (XMP is one)
// and whatever follows the trailer. Without strip, out is data.
//
// GIF is not left untouched: XMP written by editors can hold a location.
func scanGIF(data []byte, strip bool) (out []byte, ok bool) {
	if len(data) < 13 {
		return nil, false
	}
	i := 13
	if flags := data[10]; flags&0x80 != 0 {
		i += 3 << (flags&7 + 1) // global colour table
	}
	if i > len(data) {
		return nil, false
	}
	if strip {
		out = make([]byte, 0, len(data))
		out = append(out, data[:i]...)
	}
	for i < len(data) {
		var end int
		keep := true
		switch data[i] {
		case 0x21: // extension: label, sub-blocks
			if i+2 > len(data) {
				return nil, false
			}
			end = gifSubBlocks(data, i+2)
			switch data[i+1] {
			case 0xfe: // comment
				keep = false
			case 0xff: // application
				keep = end > 0 && gifKeptApp(data[i+2:end])
			}
		case 0x2c: // image: descriptor, colour table, LZW code size, sub-blocks
			if i+10 > len(data) {
				return nil, false
			}
			end = i + 10
			if flags := data[i+9]; flags&0x80 != 0 {
				end += 3 << (flags&7 + 1)
			}
			end++
			if end > len(data) {
				return nil, false
			}
			end = gifSubBlocks(data, end)
		case 0x3b: // trailer
			if strip {
				out = append(out, 0x3b)
				return out, true
			}
			return data, true
		default:
			return nil, false
		}
		if end < 0 {
			return nil, false
		}
		if strip && keep {
			out = append(out, data[i:end]...)
		}
		i = end
	}
	if !strip {
		return data, true
	}
	return out, true
}

// gifSubBlocks returns the offset past the sub-blocks starting at i (past
// their zero-length terminator), -1 when they run past data.
func gifSubBlocks(data []byte, i int) int {
	for i < len(data) {
		n := int(data[i])
		i++
		if n == 0 {
			return i
		}
		i += n
	}
	return -1
}

// gifKeptApp reports whether the sub-blocks of an application extension
// start with an identifier and authentication code in gifKeptApps.
func gifKeptApp(blocks []byte) bool {
	if len(blocks) < 12 || blocks[0] != 11 {
		return false
	}
	for _, a := range gifKeptApps {
		if string(blocks[1:12]) == a {
			return true
		}
	}
	return false
}
