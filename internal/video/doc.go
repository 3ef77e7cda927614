// Package video reads and writes the videos kneetrack works on, through the
// system's ffprobe and ffmpeg programs.
//
// Probe reports what a file holds: the stored and displayed frame size, the
// display rotation a phone recorded, duration, frame rates, whether the frame
// rate is variable and the exact frame count. Decode streams the frames as
// upright RGB24 pixels, each with the presentation timestamp stored in the
// file, holding one frame in memory at a time so a clip of any length decodes
// in bounded memory. Encode writes frames back as an H.264 MP4 that browsers
// and phones play, keeping each frame's timestamp, for annotated output.
//
// ffmpeg and ffprobe (version 5.1 or newer) must be on PATH; when they are
// not, every entry point returns an error wrapping ErrToolMissing that says
// how to install them. Files that cannot be read as video give errors that
// wrap one of the sentinel errors (ErrNotVideo, ErrNoVideoStream,
// ErrTruncated, ErrNoFrames, ErrUnsupportedCodec) inside an *Error naming
// the file and what to do; see docs/video.md for the details and the reasons
// behind each choice.
package video
