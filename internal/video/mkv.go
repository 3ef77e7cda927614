package video

import (
	"encoding/binary"
	"io"
)

// A minimal Matroska writer: just enough to hand ffmpeg raw RGB24 frames
// with exact per-frame timestamps and durations over a pipe. Raw video on a
// pipe carries no timestamps, and none of ffmpeg's options attach a list of
// timestamps to it, so Encode wraps each frame in its own Matroska cluster.
// Timestamps are in microseconds (TimestampScale 1000 ns).

// Matroska element IDs used here (IDs include their length marker bits).
const (
	idEBML               = 0x1A45DFA3
	idEBMLVersion        = 0x4286
	idEBMLReadVersion    = 0x42F7
	idEBMLMaxIDLength    = 0x42F2
	idEBMLMaxSizeLength  = 0x42F3
	idDocType            = 0x4282
	idDocTypeVersion     = 0x4287
	idDocTypeReadVersion = 0x4285
	idSegment            = 0x18538067
	idInfo               = 0x1549A966
	idTimestampScale     = 0x2AD7B1
	idMuxingApp          = 0x4D80
	idWritingApp         = 0x5741
	idTracks             = 0x1654AE6B
	idTrackEntry         = 0xAE
	idTrackNumber        = 0xD7
	idTrackUID           = 0x73C5
	idTrackType          = 0x83
	idFlagLacing         = 0x9C
	idCodecID            = 0x86
	idVideo              = 0xE0
	idPixelWidth         = 0xB0
	idPixelHeight        = 0xBA
	idColourSpace        = 0x2EB524
	idCluster            = 0x1F43B675
	idClusterTimestamp   = 0xE7
	idBlockGroup         = 0xA0
	idBlock              = 0xA1
	idBlockDuration      = 0x9B
)

// ebmlID appends an element ID (already carrying its length marker).
func ebmlID(b []byte, id uint32) []byte {
	switch {
	case id >= 1<<24:
		return append(b, byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	case id >= 1<<16:
		return append(b, byte(id>>16), byte(id>>8), byte(id))
	case id >= 1<<8:
		return append(b, byte(id>>8), byte(id))
	}
	return append(b, byte(id))
}

// ebmlSize appends a data size as an EBML variable-length integer, using
// the shortest form (the all-ones value of each length is reserved).
func ebmlSize(b []byte, n uint64) []byte {
	l := 1
	for l < 8 && n >= (uint64(1)<<(7*l))-1 {
		l++
	}
	v := n | uint64(1)<<(7*l)
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], v)
	return append(b, buf[8-l:]...)
}

// ebmlUint appends an unsigned-integer element.
func ebmlUint(b []byte, id uint32, v uint64) []byte {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], v)
	i := 0
	for i < 7 && buf[i] == 0 {
		i++
	}
	b = ebmlID(b, id)
	b = ebmlSize(b, uint64(8-i))
	return append(b, buf[i:]...)
}

// ebmlBytes appends a string or binary element.
func ebmlBytes(b []byte, id uint32, data []byte) []byte {
	b = ebmlID(b, id)
	b = ebmlSize(b, uint64(len(data)))
	return append(b, data...)
}

// writeMKVHeader writes the EBML header, an open-ended Segment, its Info and
// a Tracks element declaring one raw RGB24 video track of w x h pixels.
// It sets no default frame duration: ffmpeg would prefer it to the
// per-frame durations, which carry the real timing.
func writeMKVHeader(w io.Writer, width, height int) error {
	var hdr []byte
	hdr = ebmlUint(hdr, idEBMLVersion, 1)
	hdr = ebmlUint(hdr, idEBMLReadVersion, 1)
	hdr = ebmlUint(hdr, idEBMLMaxIDLength, 4)
	hdr = ebmlUint(hdr, idEBMLMaxSizeLength, 8)
	hdr = ebmlBytes(hdr, idDocType, []byte("matroska"))
	hdr = ebmlUint(hdr, idDocTypeVersion, 4)
	hdr = ebmlUint(hdr, idDocTypeReadVersion, 2)
	b := ebmlBytes(nil, idEBML, hdr)

	// Segment of unknown size: 8-byte size with all value bits set.
	b = ebmlID(b, idSegment)
	b = append(b, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)

	var info []byte
	info = ebmlUint(info, idTimestampScale, 1000)
	info = ebmlBytes(info, idMuxingApp, []byte("kneetrack"))
	info = ebmlBytes(info, idWritingApp, []byte("kneetrack"))
	b = ebmlBytes(b, idInfo, info)

	var video []byte
	video = ebmlUint(video, idPixelWidth, uint64(width))
	video = ebmlUint(video, idPixelHeight, uint64(height))
	video = ebmlBytes(video, idColourSpace, []byte{'R', 'G', 'B', 24}) // ffmpeg's raw RGB24 tag
	var track []byte
	track = ebmlUint(track, idTrackNumber, 1)
	track = ebmlUint(track, idTrackUID, 1)
	track = ebmlUint(track, idTrackType, 1) // video
	track = ebmlUint(track, idFlagLacing, 0)
	track = ebmlBytes(track, idCodecID, []byte("V_UNCOMPRESSED"))
	track = ebmlBytes(track, idVideo, video)
	b = ebmlBytes(b, idTracks, ebmlBytes(nil, idTrackEntry, track))
	_, err := w.Write(b)
	return err
}

// writeMKVFrame writes one frame as a Cluster holding a single BlockGroup:
// the cluster carries the absolute timestamp, the block a duration.
func writeMKVFrame(w io.Writer, tsMicro, durMicro uint64, pix []byte) error {
	// Block: track number 1 (as a size-coded integer), relative timestamp
	// 0 (int16), flags 0, then the frame.
	blockHead := []byte{0x81, 0, 0, 0}
	blockLen := uint64(len(blockHead) + len(pix))

	var group []byte // BlockGroup content before the frame bytes
	group = ebmlID(group, idBlock)
	group = ebmlSize(group, blockLen)
	group = append(group, blockHead...)
	dur := ebmlUint(nil, idBlockDuration, durMicro)
	groupLen := uint64(len(group)) + uint64(len(pix)) + uint64(len(dur))

	var cl []byte // Cluster content before the BlockGroup
	cl = ebmlUint(cl, idClusterTimestamp, tsMicro)
	cl = ebmlID(cl, idBlockGroup)
	cl = ebmlSize(cl, groupLen)
	clusterLen := uint64(len(cl)) + groupLen

	head := ebmlID(nil, idCluster)
	head = ebmlSize(head, clusterLen)
	head = append(head, cl...)
	head = append(head, group...)
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := w.Write(pix); err != nil {
		return err
	}
	_, err := w.Write(dur)
	return err
}
