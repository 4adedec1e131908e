// The one place that picks the solver backend. The domain (`Rebalancing`) takes any
// `MIPDualSolver`; the command line gives it GLPK.
import GLPKSolver
import LinearProgramming

/// The solver every command plans with: GLPK, each solve limited to `timeLimit` seconds if given.
func defaultSolver(timeLimit: Double?) -> some MIPDualSolver {
    GLPKSolver(options: SolverOptions(timeLimit: timeLimit))
}
