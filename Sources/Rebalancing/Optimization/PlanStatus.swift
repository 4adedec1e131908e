import LinearProgramming

/// How planning ended, in the domain's terms (docs/output.md's `status`): the solver's verdict, or a
/// failure the domain found itself (a plan that failed verification, a guard that did not hold).
public enum PlanStatus: Sendable, Equatable {
    case optimal
    case infeasible
    case unbounded
    /// The time limit was reached; `feasible` tells whether the plan's trades satisfy every rule.
    case timeLimit(feasible: Bool)
    case iterationLimit
    /// Planning failed; the associated text says how.
    case numericalFailure(String)

    /// The solver's verdict as a plan status.
    public init(_ status: TerminationStatus) {
        switch status {
        case .optimal: self = .optimal
        case .infeasible: self = .infeasible
        case .unbounded: self = .unbounded
        case .timeLimit(let feasible): self = .timeLimit(feasible: feasible)
        case .iterationLimit: self = .iterationLimit
        case .numericalFailure(let failure): self = .numericalFailure(failure.description)
        }
    }

    public var isOptimal: Bool { self == .optimal }

    /// Stopped by the time limit, with or without a feasible point.
    public var isTimeLimit: Bool {
        if case .timeLimit = self { true } else { false }
    }

    /// A short machine-readable name (the JSON `status`): the solver's own name for it.
    public var name: String { solverTerms.name }

    /// The same verdict as a ``TerminationStatus``, whose table of names and sentences is the
    /// only one: a plan's status reads exactly as the solver's.
    private var solverTerms: TerminationStatus {
        switch self {
        case .optimal: .optimal
        case .infeasible: .infeasible
        case .unbounded: .unbounded
        case .timeLimit(let feasible): .timeLimit(feasible: feasible)
        case .iterationLimit: .iterationLimit
        case .numericalFailure(let why): .numericalFailure(SolverFailure(why))
        }
    }
}

extension PlanStatus: CustomStringConvertible {
    /// A sentence a person can read (the JSON `message`).
    public var description: String { solverTerms.description }
}
