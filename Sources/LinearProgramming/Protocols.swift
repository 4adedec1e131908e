/// Options common to every backend.
public struct SolverOptions: Sendable, Equatable {
    /// Wall-clock limit for one solve, in seconds; nil for none.
    public var timeLimit: Double?
    public init(timeLimit: Double? = nil) { self.timeLimit = timeLimit }
}

// The seam between a model and a backend, split by capability (as good_lp splits
// `SolverModel` / `SolutionWithDual` / `WithMipGap`):
//
// - ``SolverSession``: the core every backend has — build (a ``LinearModel``, then rows, columns,
//   bounds and objectives changed in place, the warm start kept), solve the LP, extract values.
// - ``DualSession``: row duals of the last LP solved.
// - ``MIPSession``: integer variables (0/1 and general) — fix them, and branch and bound.
//
// What every MIP answer must pass (verification by fixing the integer variables, enumeration
// when there are few 0/1 variables and no others, a second opinion on "infeasible") is written once, against these protocols, in
// `MIPSafeguards.swift`; a backend supplies only the primitives.

/// A model loaded into a solver: build → solve → extract.
///
/// A session is made from a ``LinearModel`` by its ``LinearSolver``. Invalid input throws
/// ``LinearProgrammingError`` before the backend sees it; "infeasible" is a result, not an error.
/// A session is not `Sendable`: a backend may tie it to the thread that made it, and using it
/// elsewhere is a precondition failure.
public protocol SolverSession: AnyObject {
    var variableCount: Int { get }
    var constraintCount: Int { get }
    func addVariable(_ column: Column) throws(LinearProgrammingError) -> Variable
    func addConstraint(_ row: Row) throws(LinearProgrammingError) -> ConstraintRef
    func setObjective(_ terms: [Term]) throws(LinearProgrammingError)
    func setBounds(_ constraint: ConstraintRef, lower: Double, upper: Double) throws(LinearProgrammingError)
    /// Changes a continuous variable's bounds (0/1 variables keep theirs).
    func setBounds(_ variable: Variable, lower: Double, upper: Double) throws(LinearProgrammingError)

    /// Solves the LP, integer variables relaxed to their bounds (or held where
    /// ``MIPSession/fixIntegers(_:)`` fixed them). `.optimal` and `.timeLimit` leave values to extract.
    func solveLP() -> TerminationStatus
    /// The last LP's objective value.
    func objectiveValue() -> Double
    /// The last LP's value of every variable.
    func primalValues() -> [Double]
    /// The backend's simplex work so far, for tracing: its calls to an LP solver and the simplex
    /// iterations made (those of branch and bound's nodes included); zero where it does not count.
    var simplexWork: (calls: Int, iterations: Int) { get }
}

extension SolverSession {
    public var simplexWork: (calls: Int, iterations: Int) { (0, 0) }
}

/// A session that reports row duals (shadow prices) of the last LP solved.
public protocol DualSession: SolverSession {
    /// One dual per constraint. Convention: for a minimization, the change of the optimum per
    /// unit increase of the row's active bound.
    func rowDuals() -> [Double]
}

/// What one run of branch and bound concluded, before any safeguard checked it.
public enum BranchAndBoundOutcome: Sendable, Equatable {
    /// An optimal choice of the integer variables (one whole value per ``MIPSession/integerVariables``).
    case optimal([Double])
    /// No choice of the integer variables is feasible.
    case infeasible
    /// Out of time, with the best choice found so far if any.
    case timeLimit([Double]?)
    /// The run's node limit was reached, with the best choice found so far if any.
    case nodeLimit([Double]?)
    /// Stopped with a choice whose objective is within the run's ``BranchAndBoundRun/gap`` of
    /// `bound`, a proven lower bound on the optimum (the least bound of the nodes left).
    case withinGap([Double], bound: Double)
    /// Finished without a verdict.
    case inconclusive
    /// The backend failed.
    case failure(SolverFailure)
}

/// A session with integer variables: 0/1 ones and general ones.
public protocol MIPSession: SolverSession {
    /// The integer variables (0/1 ones included), in the order they were added.
    var integerVariables: [Variable] { get }
    /// Whether every integer variable is a 0/1 variable (then few of them can be enumerated).
    var integerVariablesAreBinary: Bool { get }
    /// Fixes every integer variable at `choice` (one whole value per ``integerVariables``) for
    /// the LP solves that follow; nil gives them their own bounds again.
    func fixIntegers(_ choice: [Double]?)
    /// Makes general integer variables continuous from now on (0/1 ones keep their kind): for
    /// columns whose whole values other rows imply (a unimodular change of basis), where
    /// branching on them only costs the search numerical safety.
    func relaxIntegrality(_ variables: [Variable])
    /// How many different searches ``branchAndBound(_:)`` offers for this model (at least 1):
    /// they differ in branching rule, cuts and node order, and no one of them is fastest on
    /// every model.
    var branchAndBoundSearches: Int { get }
    /// Integer variables branch and bound branches on first from now on (empty: the backend's
    /// own choice), where the backend can: while one of them is fractional at a node, a search
    /// branches on the most fractional of them, then on the most fractional 0/1 variable, and
    /// only then by its own rule. The choice of branching variable never changes an answer,
    /// only how fast it is proven.
    func setBranchFirst(_ variables: [Variable]) throws(LinearProgrammingError)
    /// The order in which the searches take their turns (`branchAndBoundInTurns`) in a run
    /// with a gap (a stage that later stages hold): each of `0..<branchAndBoundSearches` once.
    var searchOrderWithGap: [Int] { get }
    /// The wall-clock limit of one solve, in seconds (nil for none).
    var timeLimit: Double? { get }
    /// Branch and bound from the relaxation just solved to optimality, as `run` says.
    func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome
    /// Where the last ``branchAndBound(_:)`` stopped at its node limit: the least bound of the
    /// nodes it left, a proven lower bound on the optimum; nil when unknown.
    var nodeLimitBound: Double? { get }
    /// A proven lower bound on the optimum of the last `branchAndBound` run's model (its
    /// relaxed columns continuous) when it ended optimal, within its gap or at its node limit
    /// with a point found, with the backend's own pruning tolerance taken off; nil otherwise.
    var runBound: Double? { get }
}

extension MIPSession {
    public func setBranchFirst(_ variables: [Variable]) throws(LinearProgrammingError) {}
    public var searchOrderWithGap: [Int] { Array(0..<branchAndBoundSearches) }
    public var nodeLimitBound: Double? { nil }
    public var runBound: Double? { nil }
}

/// One run of branch and bound.
public struct BranchAndBoundRun: Sendable, Equatable {
    /// A known feasible point (one value per variable, finite, the integer ones whole) that
    /// prunes every node that cannot beat it.
    public var incumbent: [Double]?
    /// The backend's other route (its MIP presolver): the second opinion.
    public var presolve = false
    /// Which search, in `0..<branchAndBoundSearches`.
    public var search = 0
    /// At most this many nodes (nil: no limit); the run then ends with `.nodeLimit`.
    public var nodeLimit: Int?
    /// Seconds for this run (nil: the session's ``MIPSession/timeLimit``).
    public var timeLimit: Double?
    /// An absolute gap: the run may stop (with `.withinGap`) as soon as its best point's objective
    /// is at most this much above the least bound of the nodes left. 0: only a proven optimum.
    public var gap = 0.0
    /// A lower bound on the optimum known beforehand (−∞: none): the run may also stop once its
    /// best point is within ``gap`` of it (with `.withinGap`, carrying the higher of it and the
    /// nodes' bound).
    public var floor = -Double.infinity
    /// Integer variables this run treats as continuous (their values in its choice are then
    /// rounded fractions and mean nothing): a search over the others alone, whose answer is a
    /// heuristic's to be completed and verified by the caller, never a MIP answer as it stands.
    public var continuous: [Variable] = []

    public init(
        incumbent: [Double]? = nil, presolve: Bool = false, search: Int = 0, nodeLimit: Int? = nil, timeLimit: Double? = nil,
        gap: Double = 0, floor: Double = -.infinity, continuous: [Variable] = []
    ) {
        (self.incumbent, self.presolve, self.search, self.nodeLimit, self.timeLimit) = (incumbent, presolve, search, nodeLimit, timeLimit)
        (self.gap, self.floor, self.continuous) = (gap, floor, continuous)
    }
}

/// Something that opens sessions: the one thing the domain is given to solve with.
public protocol LinearSolver: Sendable {
    associatedtype Session: SolverSession
    func makeSession(_ model: LinearModel) throws(LinearProgrammingError) -> Session
    /// Frees what the backend keeps per thread. A worker thread calls it before it ends, once
    /// every session it made is gone. Does nothing unless the backend keeps such state.
    func releaseThreadResources()
}

extension LinearSolver {
    public func releaseThreadResources() {}

    /// Build, solve and extract in one call.
    public func solve(_ model: LinearModel) throws(LinearProgrammingError) -> Solution where Session: MIPSession {
        try makeSession(model).solve()
    }
}

/// A solver whose sessions offer everything the rebalancing model needs: integer variables and duals.
public protocol MIPDualSolver: LinearSolver where Session: MIPSession & DualSession {}

extension SolverSession {
    /// Solves the LP relaxation and extracts a ``Solution`` (duals too when the session has them).
    /// Its optimum bounds the MIP's from below.
    public func solveRelaxation() -> Solution {
        extract(solveLP())
    }

    /// The values of the LP just solved, under `status`.
    func extract(_ status: TerminationStatus) -> Solution {
        switch status {
        case .optimal, .timeLimit:
            let duals = (self as? any DualSession)?.rowDuals() ?? []
            return Solution(status: status, objectiveValue: objectiveValue(), values: primalValues(), duals: duals)
        default:
            return Solution(status: status)
        }
    }
}
