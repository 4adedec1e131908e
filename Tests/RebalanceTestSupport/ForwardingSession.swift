import GLPKSolver
import LinearProgramming

/// GLPK as a session that forwards every call: a test subclasses it and overrides the one call
/// it makes misbehave (a branch and bound that lies, a solve that runs out of time).
open class ForwardingSession: MIPSession, DualSession {
    public let inner: GLPKProblem
    public init(_ inner: GLPKProblem) { self.inner = inner }

    public var variableCount: Int { inner.variableCount }
    public var constraintCount: Int { inner.constraintCount }
    public var integerVariables: [Variable] { inner.integerVariables }
    public var integerVariablesAreBinary: Bool { inner.integerVariablesAreBinary }
    public var branchAndBoundSearches: Int { inner.branchAndBoundSearches }
    public func setBranchFirst(_ variables: [Variable]) throws(LinearProgrammingError) { try inner.setBranchFirst(variables) }
    public var timeLimit: Double? { inner.timeLimit }
    public func addVariable(_ column: Column) throws(LinearProgrammingError) -> Variable { try inner.addVariable(column) }
    public func addConstraint(_ row: Row) throws(LinearProgrammingError) -> ConstraintRef { try inner.addConstraint(row) }
    public func setObjective(_ terms: [Term]) throws(LinearProgrammingError) { try inner.setObjective(terms) }
    open func setBounds(_ constraint: ConstraintRef, lower: Double, upper: Double) throws(LinearProgrammingError) {
        try inner.setBounds(constraint, lower: lower, upper: upper)
    }
    public func setBounds(_ variable: Variable, lower: Double, upper: Double) throws(LinearProgrammingError) {
        try inner.setBounds(variable, lower: lower, upper: upper)
    }
    public func fixIntegers(_ choice: [Double]?) { inner.fixIntegers(choice) }
    public func relaxIntegrality(_ variables: [Variable]) { inner.relaxIntegrality(variables) }
    open func solveLP() -> TerminationStatus { inner.solveLP() }
    public func objectiveValue() -> Double { inner.objectiveValue() }
    public func primalValues() -> [Double] { inner.primalValues() }
    public func rowDuals() -> [Double] { inner.rowDuals() }
    open func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome { inner.branchAndBound(run) }
    open var nodeLimitBound: Double? { inner.nodeLimitBound }
    open var runBound: Double? { inner.runBound }
}
