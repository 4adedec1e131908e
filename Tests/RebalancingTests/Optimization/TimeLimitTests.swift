import GLPKSolver
import LinearProgramming
import Testing

@testable import Rebalancing

/// GLPK, except that every LP or branch and bound after the first `allowed` runs out of time
/// with nothing found.
final class TimingOutSession: MIPSession, DualSession {
    let inner: GLPKProblem
    var allowed: Int
    init(_ inner: GLPKProblem, allowed: Int) {
        self.inner = inner
        self.allowed = allowed
    }
    var variableCount: Int { inner.variableCount }
    var constraintCount: Int { inner.constraintCount }
    var integerVariables: [Variable] { inner.integerVariables }
    var integerVariablesAreBinary: Bool { inner.integerVariablesAreBinary }
    func addVariable(_ column: Column) throws(LinearProgrammingError) -> Variable { try inner.addVariable(column) }
    func addConstraint(_ row: Row) throws(LinearProgrammingError) -> ConstraintRef { try inner.addConstraint(row) }
    func setObjective(_ terms: [Term]) throws(LinearProgrammingError) { try inner.setObjective(terms) }
    func setBounds(_ constraint: ConstraintRef, lower: Double, upper: Double) throws(LinearProgrammingError) {
        try inner.setBounds(constraint, lower: lower, upper: upper)
    }
    func setBounds(_ variable: Variable, lower: Double, upper: Double) throws(LinearProgrammingError) {
        try inner.setBounds(variable, lower: lower, upper: upper)
    }
    func fixIntegers(_ choice: [Double]?) { inner.fixIntegers(choice) }
    func objectiveValue() -> Double { inner.objectiveValue() }
    func primalValues() -> [Double] { inner.primalValues() }
    func rowDuals() -> [Double] { inner.rowDuals() }
    func solveLP() -> TerminationStatus {
        guard allowed > 0 else { return .timeLimit(feasible: false) }
        allowed -= 1
        return inner.solveLP()
    }
    func branchAndBound(incumbent: [Double]?, presolve: Bool) -> BranchAndBoundOutcome {
        guard allowed > 0 else { return .timeLimit(nil) }
        allowed -= 1
        return inner.branchAndBound(incumbent: incumbent, presolve: presolve)
    }
}

struct TimingOutSolver: MIPDualSolver {
    let allowed: Int
    func makeSession(_ model: LinearModel) throws(LinearProgrammingError) -> TimingOutSession {
        TimingOutSession(try GLPKProblem(model), allowed: allowed)
    }
}

@Suite("Time limits")
struct TimeLimitTests {
    /// Whatever solve runs out of time, a plan is either none at all (nothing feasible yet) or the
    /// best point found so far, marked `time-limit` and satisfying every constraint.
    @Test func runningOutOfTimeKeepsTheBestFeasiblePoint() throws {
        let households = WashSaleEnumerationTests.households.prefix(6)
        var kept = 0
        for household in households {
            for allowed in 0..<8 {
                let plan = Optimizer(solver: TimingOutSolver(allowed: allowed))
                    .plan(household, strategy: try Strategy(parsing: "full"))
                switch plan.status {
                case .optimal:
                    continue
                case .timeLimit(feasible: true):
                    kept += 1
                    #expect(PlanVerifier(household).violations(of: plan).isEmpty, "\(household.scenario.name), \(allowed)")
                case .timeLimit(feasible: false):
                    // Out of time before any point satisfied every guard: no trades.
                    #expect(plan.purchases.isEmpty && plan.sharesSold.allSatisfy { $0 == 0 })
                default:
                    Issue.record("\(household.scenario.name), \(allowed): \(plan.status)")
                }
            }
        }
        #expect(kept > 0)
    }
}
