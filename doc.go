// Package ziping is the domain of ziping (自评): the org tree, users and sessions,
// school rows and facts, frameworks as stored, assessments, problems and report
// drafts; the store contract both databases keep; the one error type; the Actor
// with every authorization predicate; and the audit trail with its chain. It holds
// no use cases: those live in account, dataset, assess, rectify and reporting, each
// with the part of the store it needs. It imports only the standard library and
// the engine; storage, spreadsheets, documents and the web are adapters in their
// own packages, and cmd/ziping wires them (docs/architecture.md).
package ziping
