/// How a solve ended, separate from the values it produced.
public enum TerminationStatus: Sendable, Equatable {
    case optimal
    case infeasible
    case unbounded
    /// The time limit was reached; `feasible` tells whether the values satisfy the constraints.
    case timeLimit(feasible: Bool)
    case iterationLimit
    /// The solver failed; the associated failure says how (and keeps the backend's own code).
    case numericalFailure(SolverFailure)

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

/// How a backend failed at run time: a sentence, and the backend's own routine and return code
/// when there is one (GLPK's `glp_simplex` returning `GLP_EFAIL`, say) so nothing is lost.
public struct SolverFailure: Error, Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// What went wrong, as a sentence.
    public var message: String
    /// The backend routine that failed, e.g. `glp_simplex`.
    public var routine: String?
    /// The raw code that routine returned.
    public var code: Int32?

    public init(_ message: String, routine: String? = nil, code: Int32? = nil) {
        self.message = message
        self.routine = routine
        self.code = code
    }

    public init(stringLiteral value: String) { self.init(value) }
    public init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }

    /// The sentence alone: what a person reads in a plan's message.
    public var description: String { message }
}

/// The result of one solve.
public struct Solution: Sendable {
    public var status: TerminationStatus
    /// The objective value (meaningful when `status` is optimal or a feasible time limit).
    public var objectiveValue: Double
    /// One value per variable.
    public var values: [Double]
    /// One dual value (shadow price) per constraint, of the final LP solved (for a MIP, the LP
    /// with the 0/1 variables fixed at their optimal values); empty from a session without
    /// ``DualSession``.
    public var duals: [Double]
    /// Where branch and bound stopped within an allowed gap (``BranchAndBoundRun/gap``): a proven
    /// lower bound on the optimum, `objectiveValue` being at most the gap above it. Nil when
    /// `objectiveValue` is the optimum itself (to the solver's tolerances).
    public var bound: Double?

    public init(status: TerminationStatus, objectiveValue: Double = 0, values: [Double] = [], duals: [Double] = []) {
        self.status = status
        self.objectiveValue = objectiveValue
        self.values = values
        self.duals = duals
    }

    public subscript(_ variable: Variable) -> Double { values[variable.index] }
    public func dual(_ constraint: ConstraintRef) -> Double { duals[constraint.index] }
}
