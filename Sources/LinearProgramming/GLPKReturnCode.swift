internal import CGLPK

/// GLPK's `GLP_E*` return codes as a Swift enum with readable sentences.
enum GLPKReturnCode: Int32, CustomStringConvertible {
    case invalidBasis = 0x01, singularMatrix, illConditioned, invalidBounds, solverFailed
    case objectiveLowerLimit, objectiveUpperLimit, iterationLimit, timeLimit
    case noPrimalFeasible, noDualFeasible, rootNotOptimal, stopped, mipGapReached
    case noFeasible, noConvergence, numericalInstability, invalidData, resultOutOfRange

    var description: String {
        switch self {
        case .invalidBasis: "the starting basis is invalid"
        case .singularMatrix: "the basis matrix is singular"
        case .illConditioned: "the basis matrix is ill-conditioned"
        case .invalidBounds: "some variables have invalid bounds"
        case .solverFailed: "the solver failed"
        case .objectiveLowerLimit: "the objective lower limit was reached"
        case .objectiveUpperLimit: "the objective upper limit was reached"
        case .iterationLimit: "the iteration limit was reached"
        case .timeLimit: "the time limit was reached"
        case .noPrimalFeasible: "the problem has no primal feasible solution"
        case .noDualFeasible: "the problem has no dual feasible solution"
        case .rootNotOptimal: "the LP relaxation was not solved to optimality"
        case .stopped: "the search was stopped"
        case .mipGapReached: "the relative MIP gap tolerance was reached"
        case .noFeasible: "the problem has no primal or dual feasible solution"
        case .noConvergence: "the solver did not converge"
        case .numericalInstability: "the solver became numerically unstable"
        case .invalidData: "the data is invalid"
        case .resultOutOfRange: "a result is out of range"
        }
    }

    /// The sentence for any code GLPK may return, known or not.
    static func sentence(for code: Int32) -> String {
        GLPKReturnCode(rawValue: code)?.description ?? "GLPK returned the unknown code \(code)"
    }
}
