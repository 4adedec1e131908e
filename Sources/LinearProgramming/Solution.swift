/// How a solve ended, separate from the values it produced.
public enum TerminationStatus: Sendable, Equatable {
    case optimal
    case infeasible
    case unbounded
    /// The time limit was reached; `feasible` tells whether the values satisfy the constraints.
    case timeLimit(feasible: Bool)
    case iterationLimit
    /// The solver failed; the associated text says how.
    case numericalFailure(String)

    public var isOptimal: Bool { self == .optimal }

    /// Stopped by the time limit, with or without a feasible point.
    public var isTimeLimit: Bool {
        if case .timeLimit = self { true } else { false }
    }

    /// A short machine-readable name (used in JSON output).
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

extension TerminationStatus: CustomStringConvertible {
    /// A sentence a person can read.
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

/// The result of one solve.
public struct Solution: Sendable {
    public var status: TerminationStatus
    /// The objective value (meaningful when `status` is optimal or a feasible time limit).
    public var objectiveValue: Double
    /// One value per variable.
    public var values: [Double]
    /// One dual value (shadow price) per constraint, of the final LP solved (for a MIP, the LP
    /// with the 0/1 variables fixed at their optimal values).
    public var duals: [Double]

    public init(status: TerminationStatus, objectiveValue: Double = 0, values: [Double] = [], duals: [Double] = []) {
        self.status = status
        self.objectiveValue = objectiveValue
        self.values = values
        self.duals = duals
    }

    public subscript(_ variable: Variable) -> Double { values[variable.index] }
    public func dual(_ constraint: ConstraintRef) -> Double { duals[constraint.index] }
}
