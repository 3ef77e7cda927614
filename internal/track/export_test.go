package track

// Limits lowers the readers' size limits for a test (zero fields keep
// theirs) and returns a function that restores them.
type Limits struct {
	TrackBytes, OpenPoseFileBytes        int64
	OpenPoseFiles, FolderEntries, People int
}

func SetLimits(l Limits) (restore func()) {
	old := Limits{maxTrackBytes, maxOpenPoseFileBytes, maxOpenPoseFiles, maxFolderEntries, maxPeople}
	set := func(l Limits) {
		if l.TrackBytes > 0 {
			maxTrackBytes = l.TrackBytes
		}
		if l.OpenPoseFileBytes > 0 {
			maxOpenPoseFileBytes = l.OpenPoseFileBytes
		}
		if l.OpenPoseFiles > 0 {
			maxOpenPoseFiles = l.OpenPoseFiles
		}
		if l.FolderEntries > 0 {
			maxFolderEntries = l.FolderEntries
		}
		if l.People > 0 {
			maxPeople = l.People
		}
	}
	set(l)
	return func() { set(old) }
}
