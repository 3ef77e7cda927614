package video

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// ffmpeg 5.1 does not pass a frame's duration through libx264 to the MP4
// muxer. The muxer then gives the last sample a duration guessed from the
// stream's frame rate, or none at all when the rate could not be guessed
// (large frames, of which ffmpeg probes only one or two): a 12.167 s clip
// came out 12.133 s long. setLastDuration corrects the finished file: it
// rewrites the last entry of the sample-duration table (stts) and the
// durations derived from it (mdhd, tkhd, mvhd, elst).

// mp4Box is a box found in a byte slice: its type, where it starts, its
// header length and its total length.
type mp4Box struct {
	typ       string
	off, hdr  int
	size      int
	largeSize bool
}

func (b mp4Box) payload(buf []byte) []byte { return buf[b.off+b.hdr : b.off+b.size] }

var errMP4 = errors.New("unexpected MP4 layout")

// mp4Children lists the boxes in buf[from:to].
func mp4Children(buf []byte, from, to int) ([]mp4Box, error) {
	var out []mp4Box
	for off := from; off < to; {
		if to-off < 8 {
			return nil, fmt.Errorf("%w: %d stray bytes", errMP4, to-off)
		}
		size, hdr, large := int(binary.BigEndian.Uint32(buf[off:])), 8, false
		switch size {
		case 0:
			size = to - off
		case 1:
			if to-off < 16 {
				return nil, fmt.Errorf("%w: truncated box header", errMP4)
			}
			s := binary.BigEndian.Uint64(buf[off+8:])
			if s > uint64(to-off) {
				return nil, fmt.Errorf("%w: box larger than its parent", errMP4)
			}
			size, hdr, large = int(s), 16, true
		}
		if size < hdr || size > to-off {
			return nil, fmt.Errorf("%w: box of %d bytes at %d", errMP4, size, off)
		}
		out = append(out, mp4Box{typ: string(buf[off+4 : off+8]), off: off, hdr: hdr, size: size, largeSize: large})
		off += size
	}
	return out, nil
}

// mp4Child returns the only child of type typ inside box b.
func mp4Child(buf []byte, b mp4Box, typ string) (mp4Box, error) {
	kids, err := mp4Children(buf, b.off+b.hdr, b.off+b.size)
	if err != nil {
		return mp4Box{}, err
	}
	var found []mp4Box
	for _, k := range kids {
		if k.typ == typ {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		return mp4Box{}, fmt.Errorf("%w: %d %q boxes in %q", errMP4, len(found), typ, b.typ)
	}
	return found[0], nil
}

// fullBoxField reads (get) or writes (set) a duration-like field of a full
// box whose version 0 layout has it at off0 (32-bit) and version 1 at off1
// (64-bit), offsets counted in the payload after version and flags.
type fullBoxField struct{ off0, off1 int }

var (
	mvhdTimescale = fullBoxField{8, 16}
	mvhdDuration  = fullBoxField{12, 20}
	tkhdDuration  = fullBoxField{16, 24}
	mdhdTimescale = fullBoxField{8, 16}
	mdhdDuration  = fullBoxField{12, 20}
)

func (f fullBoxField) locate(p []byte, sixtyFour bool) (int, int, error) {
	if len(p) < 4 {
		return 0, 0, fmt.Errorf("%w: short full box", errMP4)
	}
	off, n := 4+f.off0, 4
	if p[0] == 1 {
		off = 4 + f.off1
		if sixtyFour {
			n = 8
		}
	}
	if len(p) < off+n {
		return 0, 0, fmt.Errorf("%w: short full box", errMP4)
	}
	return off, n, nil
}

// timescales are 32-bit in both versions; durations are 64-bit in version 1.
func (f fullBoxField) get(p []byte, sixtyFour bool) (uint64, error) {
	off, n, err := f.locate(p, sixtyFour)
	if err != nil {
		return 0, err
	}
	if n == 8 {
		return binary.BigEndian.Uint64(p[off:]), nil
	}
	return uint64(binary.BigEndian.Uint32(p[off:])), nil
}

func (f fullBoxField) add(p []byte, delta int64) error {
	v, err := f.get(p, true)
	if err != nil {
		return err
	}
	off, n, _ := f.locate(p, true)
	nv := int64(v) + delta
	if nv < 0 || (n == 4 && nv > math.MaxUint32) {
		return fmt.Errorf("%w: duration out of range", errMP4)
	}
	if n == 8 {
		binary.BigEndian.PutUint64(p[off:], uint64(nv))
	} else {
		binary.BigEndian.PutUint32(p[off:], uint32(nv))
	}
	return nil
}

// rescaleUp returns ceil(a*num/den), for durations moved to another time
// scale the way ffmpeg's muxer does.
func rescaleUp(a, num, den uint64) uint64 {
	return uint64(math.Ceil(float64(a) * float64(num) / float64(den)))
}

// patchMoov returns moov (the whole box) with the last sample of its single
// track lasting until endUS, when the sample starts at lastUS (both
// microseconds on the encoder's time line), and how many bytes it grew.
func patchMoov(moov []byte, lastUS, endUS uint64) ([]byte, int, error) {
	top, err := mp4Children(moov, 0, len(moov))
	if err != nil || len(top) != 1 || top[0].typ != "moov" {
		return nil, 0, fmt.Errorf("%w: no moov box", errMP4)
	}
	mv := top[0]
	mvhd, err := mp4Child(moov, mv, "mvhd")
	if err != nil {
		return nil, 0, err
	}
	trak, err := mp4Child(moov, mv, "trak")
	if err != nil {
		return nil, 0, err
	}
	tkhd, err := mp4Child(moov, trak, "tkhd")
	if err != nil {
		return nil, 0, err
	}
	mdia, err := mp4Child(moov, trak, "mdia")
	if err != nil {
		return nil, 0, err
	}
	mdhd, err := mp4Child(moov, mdia, "mdhd")
	if err != nil {
		return nil, 0, err
	}
	minf, err := mp4Child(moov, mdia, "minf")
	if err != nil {
		return nil, 0, err
	}
	stbl, err := mp4Child(moov, minf, "stbl")
	if err != nil {
		return nil, 0, err
	}
	stts, err := mp4Child(moov, stbl, "stts")
	if err != nil {
		return nil, 0, err
	}
	// The edit list, when there is one, says how much of the media plays.
	var elst *mp4Box
	if kids, err := mp4Children(moov, trak.off+trak.hdr, trak.off+trak.size); err == nil {
		for _, k := range kids {
			if k.typ == "edts" {
				e, err := mp4Child(moov, k, "elst")
				if err != nil {
					return nil, 0, err
				}
				elst = &e
			}
		}
	}
	mediaTS, err := mdhdTimescale.get(mdhd.payload(moov), false)
	if err != nil || mediaTS == 0 {
		return nil, 0, fmt.Errorf("%w: no media time scale", errMP4)
	}
	movieTS, err := mvhdTimescale.get(mvhd.payload(moov), false)
	if err != nil || movieTS == 0 {
		return nil, 0, fmt.Errorf("%w: no movie time scale", errMP4)
	}
	mediaDur, err := mdhdDuration.get(mdhd.payload(moov), true)
	if err != nil {
		return nil, 0, err
	}

	// The sample-duration table: entry count, then (count, delta) pairs.
	p := stts.payload(moov)
	if len(p) < 8 {
		return nil, 0, fmt.Errorf("%w: short stts", errMP4)
	}
	n := int(binary.BigEndian.Uint32(p[4:]))
	if n == 0 || len(p) != 8+8*n {
		return nil, 0, fmt.Errorf("%w: stts with %d entries in %d bytes", errMP4, n, len(p))
	}
	lastEntry := 8 + 8*(n-1)
	count := binary.BigEndian.Uint32(p[lastEntry:])
	oldDelta := binary.BigEndian.Uint32(p[lastEntry+4:])
	ticks := func(us uint64) uint64 { return (us*mediaTS + 500_000) / 1_000_000 }
	want := ticks(endUS) - ticks(lastUS)
	if want == 0 || want > math.MaxUint32 {
		return nil, 0, fmt.Errorf("%w: last frame duration %d ticks", errMP4, want)
	}
	if uint32(want) == oldDelta {
		return moov, 0, nil
	}
	change := int64(want) - int64(oldDelta)

	out := moov
	grow := 0
	if count == 1 {
		out = append([]byte(nil), moov...)
		binary.BigEndian.PutUint32(out[stts.off+stts.hdr+lastEntry+4:], uint32(want))
	} else {
		// Split the last run: one sample fewer in it, and a new entry
		// for the last sample. The stts box and its ancestors grow by 8.
		grow = 8
		at := stts.off + stts.hdr + lastEntry
		out = make([]byte, 0, len(moov)+grow)
		out = append(out, moov[:at]...)
		out = binary.BigEndian.AppendUint32(out, count-1)
		out = binary.BigEndian.AppendUint32(out, oldDelta)
		out = binary.BigEndian.AppendUint32(out, 1)
		out = binary.BigEndian.AppendUint32(out, uint32(want))
		out = append(out, moov[at+8:]...)
		binary.BigEndian.PutUint32(out[stts.off+stts.hdr+4:], uint32(n+1))
		for _, b := range []mp4Box{mv, trak, mdia, minf, stbl, stts} {
			if b.largeSize {
				binary.BigEndian.PutUint64(out[b.off+8:], uint64(b.size+grow))
			} else {
				if b.size+grow > math.MaxUint32 {
					return nil, 0, fmt.Errorf("%w: box too large", errMP4)
				}
				binary.BigEndian.PutUint32(out[b.off:], uint32(b.size+grow))
			}
		}
	}
	// Boxes after the stts table moved by grow bytes.
	sttsEnd := stts.off + stts.size
	payload := func(b mp4Box) []byte {
		off := b.off
		if off >= sttsEnd {
			off += grow
		}
		return out[off+b.hdr : off+b.size]
	}
	if err := mdhdDuration.add(payload(mdhd), change); err != nil {
		return nil, 0, err
	}
	newMediaDur := uint64(int64(mediaDur) + change)
	movieChange := int64(rescaleUp(newMediaDur, movieTS, mediaTS)) - int64(rescaleUp(mediaDur, movieTS, mediaTS))
	if err := tkhdDuration.add(payload(tkhd), movieChange); err != nil {
		return nil, 0, err
	}
	if err := mvhdDuration.add(payload(mvhd), movieChange); err != nil {
		return nil, 0, err
	}
	if elst != nil {
		if err := patchEditList(payload(*elst), movieChange); err != nil {
			return nil, 0, err
		}
	}
	return out, grow, nil
}

// patchEditList lengthens the last edit of an elst box's payload p (the
// edit that plays the media) by change movie ticks.
func patchEditList(p []byte, change int64) error {
	if len(p) < 8 {
		return fmt.Errorf("%w: short elst", errMP4)
	}
	n := int(binary.BigEndian.Uint32(p[4:]))
	entry := 12 // segment duration, media time, rate
	if p[0] == 1 {
		entry = 20
	}
	if n == 0 || len(p) != 8+entry*n {
		return fmt.Errorf("%w: elst with %d entries in %d bytes", errMP4, n, len(p))
	}
	off := 8 + entry*(n-1)
	if p[0] == 1 {
		v := int64(binary.BigEndian.Uint64(p[off:])) + change
		if v < 0 {
			return fmt.Errorf("%w: negative edit", errMP4)
		}
		binary.BigEndian.PutUint64(p[off:], uint64(v))
		return nil
	}
	v := int64(binary.BigEndian.Uint32(p[off:])) + change
	if v < 0 || v > math.MaxUint32 {
		return fmt.Errorf("%w: edit out of range", errMP4)
	}
	binary.BigEndian.PutUint32(p[off:], uint32(v))
	return nil
}

// shiftChunkOffsets adds delta to every chunk offset (stco, co64) in moov
// that points at or past from: the media data moved by delta bytes.
func shiftChunkOffsets(moov []byte, from uint64, delta int) error {
	top, err := mp4Children(moov, 0, len(moov))
	if err != nil || len(top) != 1 {
		return fmt.Errorf("%w: no moov box", errMP4)
	}
	var walk func(b mp4Box) error
	walk = func(b mp4Box) error {
		switch b.typ {
		case "moov", "trak", "mdia", "minf", "stbl":
			kids, err := mp4Children(moov, b.off+b.hdr, b.off+b.size)
			if err != nil {
				return err
			}
			for _, k := range kids {
				if err := walk(k); err != nil {
					return err
				}
			}
		case "stco", "co64":
			p := b.payload(moov)
			if len(p) < 8 {
				return fmt.Errorf("%w: short %s", errMP4, b.typ)
			}
			n, w := int(binary.BigEndian.Uint32(p[4:])), 4
			if b.typ == "co64" {
				w = 8
			}
			if len(p) != 8+w*n {
				return fmt.Errorf("%w: %s with %d entries in %d bytes", errMP4, b.typ, n, len(p))
			}
			for i := range n {
				q := p[8+w*i:]
				if w == 8 {
					if v := binary.BigEndian.Uint64(q); v >= from {
						binary.BigEndian.PutUint64(q, v+uint64(delta))
					}
					continue
				}
				v := uint64(binary.BigEndian.Uint32(q))
				if v >= from {
					if v+uint64(delta) > math.MaxUint32 {
						return fmt.Errorf("%w: chunk offset overflows stco", errMP4)
					}
					binary.BigEndian.PutUint32(q, uint32(v+uint64(delta)))
				}
			}
		}
		return nil
	}
	return walk(top[0])
}

// setLastDuration makes the last frame of the MP4 file at path last until
// endUS, given that it starts at lastUS (microseconds). The file is
// changed in place when the table keeps its size; otherwise it is written
// anew beside path (same permissions) and renamed over it.
func setLastDuration(path string, lastUS, endUS uint64) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	// Find the top-level moov box.
	var moovOff, moovSize int64 = -1, 0
	var hdr [16]byte
	for off := int64(0); off < st.Size(); {
		if _, err := f.ReadAt(hdr[:8], off); err != nil {
			return fmt.Errorf("%w: reading box header: %v", errMP4, err)
		}
		size := int64(binary.BigEndian.Uint32(hdr[:4]))
		switch size {
		case 0:
			size = st.Size() - off
		case 1:
			if _, err := f.ReadAt(hdr[8:16], off+8); err != nil {
				return fmt.Errorf("%w: reading box header: %v", errMP4, err)
			}
			size = int64(binary.BigEndian.Uint64(hdr[8:16]))
		}
		if size < 8 || off+size > st.Size() {
			return fmt.Errorf("%w: box of %d bytes at %d", errMP4, size, off)
		}
		if string(hdr[4:8]) == "moov" {
			moovOff, moovSize = off, size
			break
		}
		off += size
	}
	if moovOff < 0 {
		return fmt.Errorf("%w: no moov box", errMP4)
	}
	if moovSize > 64<<20 {
		return fmt.Errorf("%w: moov of %d bytes", errMP4, moovSize)
	}
	moov := make([]byte, moovSize)
	if _, err := f.ReadAt(moov, moovOff); err != nil {
		return err
	}
	out, grow, err := patchMoov(moov, lastUS, endUS)
	if err != nil {
		return err
	}
	if grow == 0 {
		if _, err := f.WriteAt(out, moovOff); err != nil {
			return err
		}
		return f.Close()
	}
	// The moov grew: everything after it moves by grow bytes.
	end := uint64(moovOff + moovSize)
	if err := shiftChunkOffsets(out, end, grow); err != nil {
		return err
	}
	tmp, err := createTemp(path)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // harmless after the rename
	if _, err := io.Copy(tmp, io.NewSectionReader(f, 0, moovOff)); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return err
	}
	if _, err := io.Copy(tmp, io.NewSectionReader(f, int64(end), st.Size()-int64(end))); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
