/// Options common to every backend.
public struct SolverOptions: Sendable, Equatable {
    /// Wall-clock limit for one solve, in seconds; nil for none.
    public var timeLimit: Double?
    public init(timeLimit: Double? = nil) { self.timeLimit = timeLimit }
}

/// A model loaded into a solver, solved, changed and solved again (the warm start is kept).
///
/// Build → solve → extract: a session is made from a ``LinearModel``; ``solve()`` returns a
/// ``Solution`` whose status tells whether its values mean anything. Infeasible is a result;
/// only invalid input throws.
public protocol SolverSession: AnyObject {
    var variableCount: Int { get }
    var constraintCount: Int { get }
    func addVariable(_ column: Column) throws(LinearProgrammingError) -> Variable
    func addConstraint(_ row: Row) throws(LinearProgrammingError) -> ConstraintRef
    func setObjective(_ terms: [Term]) throws(LinearProgrammingError)
    func setBounds(_ constraint: ConstraintRef, lower: Double, upper: Double) throws(LinearProgrammingError)
    /// Changes a continuous variable's bounds (0/1 variables keep theirs).
    func setBounds(_ variable: Variable, lower: Double, upper: Double) throws(LinearProgrammingError)
    func solve() -> Solution
    /// Solves, offering `incumbent` (a value per variable, the 0/1 ones integral) to branch and
    /// bound as a known feasible point: it prunes every node that cannot beat it.
    func solve(incumbent: [Double]) -> Solution
    /// Solves the LP relaxation only: 0/1 variables may take any value in [0, 1]. Its optimum
    /// bounds the MIP's from below.
    func solveRelaxation() -> Solution
}

/// Something that opens sessions: the seam between the model and a backend.
public protocol LinearSolver: Sendable {
    associatedtype Session: SolverSession
    func makeSession(_ model: LinearModel) throws(LinearProgrammingError) -> Session
}

extension LinearSolver {
    /// Build, solve and extract in one call.
    public func solve(_ model: LinearModel) throws(LinearProgrammingError) -> Solution {
        try makeSession(model).solve()
    }
}
