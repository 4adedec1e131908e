import LinearProgramming

/// How planning ended, in the domain's terms (MODEL §6's `status`): the solver's verdict, or a
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

    /// A short machine-readable name (the JSON `status`).
    public var name: String {
        switch self {
        case .optimal: "optimal"
        case .infeasible: "infeasible"
        case .unbounded: "unbounded"
        case .timeLimit: "time-limit"
        case .iterationLimit: "iteration-limit"
        case .numericalFailure: "numerical-failure"
        }
    }
}

extension PlanStatus: CustomStringConvertible {
    /// A sentence a person can read (the JSON `message`).
    public var description: String {
        switch self {
        case .optimal: "an optimal solution was found"
        case .infeasible: "no solution satisfies every constraint"
        case .unbounded: "the objective can be improved without limit"
        case .timeLimit(let feasible):
            feasible
                ? "the time limit was reached; the best solution found so far is not proven optimal"
                : "the time limit was reached before any feasible solution was found"
        case .iterationLimit: "the iteration limit was reached before the solver finished"
        case .numericalFailure(let why): "the solver failed numerically: \(why)"
        }
    }
}
