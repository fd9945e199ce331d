package media

import (
	"bytes"
	"net/http"
)

// Media types Sniff and Process give.
const (
	typePNG    = "image/png"
	typeJPEG   = "image/jpeg"
	typeGIF    = "image/gif"
	typeWebP   = "image/webp"
	typeSVG    = "image/svg+xml"
	typePDF    = "application/pdf"
	typeZIP    = "application/zip"
	typeBinary = "application/octet-stream"
)

// Sniff returns the media type of data, judged from its bytes alone (never
// a name or a client's claim): magic numbers for PNG, JPEG, GIF, WebP, PDF
// and ZIP; "image/svg+xml" for XML or text whose root element is <svg (after
// an optional UTF-8 byte order mark, white space, <?xml …?> and other
// processing instructions, comments and a doctype); otherwise what
// net/http.DetectContentType says, e.g. "text/plain; charset=utf-8",
// "text/html; charset=utf-8" or "application/octet-stream". Empty data is
// "application/octet-stream".
//
// An image type here only means the data starts like that image: Process
// decodes it before it calls it an image.
func Sniff(data []byte) string {
	switch {
	case len(data) == 0:
		return typeBinary
	case bytes.HasPrefix(data, pngSignature):
		return typePNG
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return typeJPEG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return typeGIF
	case isWebP(data):
		return typeWebP
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return typePDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		// A local file header, or the end record of an empty archive.
		// Office documents (docx, xlsx, odt…) are ZIP archives too.
		return typeZIP
	case isSVG(data):
		return typeSVG
	}
	return http.DetectContentType(data)
}

// Inline reports whether files of media type typ may be shown inline: only
// the raster images Process decodes (PNG, JPEG, GIF, WebP). SVG is not
// (it runs scripts), nor is anything else; those are served as downloads.
func Inline(typ string) bool {
	switch typ {
	case typePNG, typeJPEG, typeGIF, typeWebP:
		return true
	}
	return false
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// isWebP: "RIFF", a size, "WEBP" and a first chunk VP8 (lossy), VP8L
// (lossless) or VP8X (extended).
func isWebP(data []byte) bool {
	return len(data) >= 16 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" &&
		string(data[12:15]) == "VP8"
}

// isSVG reports whether the first element of data (XML or text, UTF-8) is
// an svg element: <svg, or a prefixed <x:svg, in any letter case (a
// browser reading it as HTML would take <SVG for svg too). Leading white
// space, a UTF-8 byte order mark, processing instructions (<?xml …?>),
// comments and a doctype (with an internal subset) are skipped.
func isSVG(data []byte) bool {
	d := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for {
		d = bytes.TrimLeft(d, " \t\r\n\f")
		switch {
		case bytes.HasPrefix(d, []byte("<?")):
			i := bytes.Index(d, []byte("?>"))
			if i < 0 {
				return false
			}
			d = d[i+2:]
		case bytes.HasPrefix(d, []byte("<!--")):
			i := bytes.Index(d[4:], []byte("-->"))
			if i < 0 {
				return false
			}
			d = d[4+i+3:]
		case len(d) >= 9 && bytes.EqualFold(d[:9], []byte("<!doctype")):
			i := doctypeEnd(d)
			if i < 0 {
				return false
			}
			d = d[i:]
		case bytes.HasPrefix(d, []byte("<")):
			return isSVGName(d[1:])
		default:
			return false
		}
	}
}

// doctypeEnd returns the index just past the '>' that closes the doctype
// at the start of d, skipping an internal subset in brackets and quoted
// strings; -1 when it does not close.
func doctypeEnd(d []byte) int {
	depth := 0
	var quote byte
	for i := 0; i < len(d); i++ {
		c := d[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			if depth > 0 {
				depth--
			}
		case c == '>' && depth == 0:
			return i + 1
		}
	}
	return -1
}

// isSVGName reports whether d starts with the element name svg or
// prefix:svg, followed by the end of the name.
func isSVGName(d []byte) bool {
	end := 0
	for end < len(d) && !isNameEnd(d[end]) {
		end++
	}
	name := d[:end]
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return bytes.EqualFold(name, []byte("svg"))
}

func isNameEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\f', '/', '>':
		return true
	}
	return false
}
