// Package archtest holds one test, which enforces the import rules of
// docs/architecture.md: it reads the package table there (each package, what
// it owns, which kneetrack packages it may import) and checks every package in
// the module against it, so that the document and the code cannot drift apart.
//
// The package has no code of its own.
package archtest
