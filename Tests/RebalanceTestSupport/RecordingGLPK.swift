import GLPKSolver
import LinearProgramming

/// What GLPK's branch and bound was asked and answered during a plan, in order.
public final class BranchAndBoundLog: @unchecked Sendable {
    public var runs: [(run: BranchAndBoundRun, outcome: BranchAndBoundOutcome)] = []
    public init() {}
}

/// GLPK as a solver that records every branch-and-bound run and its outcome in a log: for tests
/// of which searches a plan needed (`Optimizer(solver: RecordingGLPK(log: log))`).
public struct RecordingGLPK: MIPDualSolver {
    public let log: BranchAndBoundLog
    public init(log: BranchAndBoundLog) { self.log = log }
    public func makeSession(_ model: LinearModel) throws(LinearProgrammingError) -> Session {
        Session(try GLPKProblem(model), log)
    }

    public final class Session: ForwardingSession {
        let log: BranchAndBoundLog
        init(_ inner: GLPKProblem, _ log: BranchAndBoundLog) {
            self.log = log
            super.init(inner)
        }
        override public func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
            let outcome = inner.branchAndBound(run)
            log.runs.append((run, outcome))
            return outcome
        }
    }
}
