import GLPKSolver
import LinearProgramming
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// GLPK, except that every LP or branch and bound after the first `allowed` runs out of time
/// with nothing found.
final class TimingOutSession: ForwardingSession {
    var allowed: Int
    init(_ inner: GLPKProblem, allowed: Int) {
        self.allowed = allowed
        super.init(inner)
    }
    override func solveLP() -> TerminationStatus {
        guard allowed > 0 else { return .timeLimit(feasible: false) }
        allowed -= 1
        return inner.solveLP()
    }
    override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
        guard allowed > 0 else { return .timeLimit(nil) }
        allowed -= 1
        return inner.branchAndBound(run)
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
