internal import CGLPK
import LinearProgramming

/// The GLPK backend: opens a ``GLPKProblem`` per model.
///
/// LPs are solved after automatic scaling, presolve off, warm from the last basis: the primal
/// simplex (Harris's ratio test) after a new objective, the dual simplex (long-step ratio test)
/// after new rows or bounds. 0/1 variables are solved by branch and bound from the optimal
/// relaxation, and every MIP answer is verified by fixing the 0/1 variables and solving the LP
/// again (by the safeguards of `LinearProgramming`, which this backend only supplies primitives to).
public struct GLPKSolver: MIPDualSolver {
    public var options: SolverOptions
    public init(options: SolverOptions = SolverOptions()) { self.options = options }

    public func makeSession(_ model: LinearModel) throws(LinearProgrammingError) -> GLPKProblem {
        try GLPKProblem(model, options: options)
    }

    /// Frees the calling thread's GLPK environment (GLPK keeps one per thread). A worker thread
    /// calls it before it ends, once every problem it created has been released.
    public func releaseThreadResources() {
        glp_free_env()
    }
}

