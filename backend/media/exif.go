package media

import (
	"bytes"
	"encoding/binary"
)

// EXIF: only what this package needs, the Orientation tag of IFD0.
//
// Orientation values (TIFF 6.0 / Exif 2.3), read as "where row 0 and
// column 0 of the stored pixels are shown":
//
//	1 top-left (as stored)   2 mirrored horizontally
//	3 rotated 180°           4 mirrored vertically
//	5 transposed             6 rotated 90° clockwise to display
//	7 transversed            8 rotated 90° counter-clockwise to display
//
// 5 to 8 swap width and height.

const (
	tagOrientation = 0x0112
	exifHeader     = "Exif\x00\x00"
)

// exifOrientation returns the Orientation (1-8) of the Exif payload of an
// APP1 segment (starting with "Exif\0\0"), or 0 when it has none or is
// malformed.
func exifOrientation(app1 []byte) int {
	if !bytes.HasPrefix(app1, []byte(exifHeader)) {
		return 0
	}
	tiff := app1[len(exifHeader):]
	if len(tiff) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(tiff[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 0
	}
	ifd := bo.Uint32(tiff[4:8])
	if ifd < 8 || uint64(ifd)+2 > uint64(len(tiff)) {
		return 0
	}
	n := int(bo.Uint16(tiff[ifd:]))
	entries := tiff[ifd+2:]
	for i := 0; i < n && 12*i+12 <= len(entries); i++ {
		e := entries[12*i : 12*i+12]
		if bo.Uint16(e) != tagOrientation {
			continue
		}
		var v int
		switch typ, count := bo.Uint16(e[2:]), bo.Uint32(e[4:]); {
		case typ == 3 && count >= 1: // SHORT
			v = int(bo.Uint16(e[8:]))
		case typ == 4 && count >= 1: // LONG, off the standard but seen
			v = int(bo.Uint32(e[8:]))
		}
		if v >= 1 && v <= 8 {
			return v
		}
		return 0
	}
	return 0
}

// orientationAPP1 returns a whole APP1 segment (marker included) whose Exif
// holds only IFD0 with the Orientation tag o: no other tags, no pointers.
func orientationAPP1(o int) []byte {
	tiff := []byte{
		'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, // Orientation, SHORT, 1, o
		0, 0, 0, 0, // no next IFD
	}
	n := 2 + len(exifHeader) + len(tiff)
	seg := []byte{0xff, 0xe1, byte(n >> 8), byte(n)}
	seg = append(seg, exifHeader...)
	return append(seg, tiff...)
}

// swapsAxes reports whether orientation o shows width as height.
func swapsAxes(o int) bool { return o >= 5 && o <= 8 }
