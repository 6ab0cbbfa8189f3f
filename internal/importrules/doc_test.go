// Package importrules holds the test that keeps the house's dependency graph
// (docs/ARCHITECTURE.md, "Rooms and doors"): every package of the module has
// a rule naming the module packages and outside modules it may import, store
// and listener/hj212 reach nothing outside the standard library (the SM4
// module excepted by name), and a package without a rule or a rule without a
// package fails the test; the table in the document names the same packages
// with the same module imports (table_test.go). It has only tests: nothing
// imports it.
package importrules
