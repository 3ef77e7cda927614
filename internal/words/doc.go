// Package words owns kneetrack's user-facing wording: every sentence and
// label that the reports (terminal text, JSON, HTML), the pictures and the
// command line show about an analysis.
//
// The analysis (package valgus) returns facts with their numbers: typed
// findings (valgus.Finding), notes (valgus.Note), reasons a set was not
// analysed (valgus.Reason), phases, sides and movements. This package says them:
//
//   - Findings and SessionFindings put a set's or a session's findings into
//     sentences, the session's ending with the Disclaimer.
//   - NotAnalysedReason says why a set could not be analysed.
//   - Notes and Note say the notes of a set, its view or a rep's leg
//     (valgus.Note); MovementReason says why the movement is what it is.
//     A note of kind valgus.NoteCaller is the caller's own text, said as
//     given.
//   - Phase names come in the forms each place needs, all from one table
//     (see Phase): a sentence form, a short label for tables, and a
//     column-wide abbreviation.
//   - Knee names a leg at the start of a sentence; Measure names the
//     graded measure of a movement.
//   - Number formatting (Num, Signed, PlusZero, KG, RepList) and small
//     text helpers (Capitalise, Plural) are defined here once, with
//     Change (a signed angle change) and Elapsed (a duration for people).
//   - WriteTruthComparison prints the demo's table of a simulated set
//     beside what was measured (TruthComparison holds the facts).
//
// It imports only valgus, so that the coaching (package coach) can use it
// too; the coaching's own fixed phrases are read through methods of
// coach.Advice. Nothing here decides what is worth saying: that is the
// analysis's job; this package only chooses how to say it.
package words
