import Foundation
import LinearProgramming

// Whole shares: each account's trades as steps along its exchange directions.
//
// In an account trading whole shares, the net whole shares t_s = m_s − k_s it trades of each
// symbol s (bought less sold, at price p_s) change its cash by −Σ p_s·t_s. Where later stages
// hold the cash left nearly at its least (band's stages: with the drift inside the band free,
// little is left but spending each account's cash to the cent), the integer points are the few t
// on a thin slab p·t ≈ constant. Branch and bound on the t_s themselves cuts the slab across
// its thickness of a fraction of a share and learns nothing; the relaxation's point moves a
// little along the slab and is fractional again.
//
// So t is written in a second basis of the integers: t = B·λ, λ whole, with B an integer matrix
// of determinant ±1 (unimodular), so that every whole t has exactly one whole λ = B⁻¹·t and the
// model keeps exactly its integer points. B is the LLL-reduced basis of Zⁿ under the norm
// |x|² = Σ x_s² + (10·p·x)² (p in dollars, the cash in dimes): short vectors that move the cash
// little — exchanges of one symbol for others at nearly equal value (8 at $62.50 for 9 at $55
// and …). A branch on a λ_j then splits the slab along it, as the lattice methods for equality
// knapsacks do (Aardal and Lenstra). The rows t_s = Σ_j B_sj·λ_j join the model and the λ_j are
// integer columns, bounded by the range of B⁻¹·t over the bounds of t; the m and k stay integer
// columns too (their rows are only written again, no point is added or removed), and every
// answer is still verified with every integer column fixed. Only `band` gets the lattices
// (RebalanceModel): other strategies' whole-share stages are proven without them, and one
// (401k-menu.yaml under full) became slower with them.

extension ExecutableOrders {
    /// One account's lattice: its symbols (in whole shares), B and B⁻¹, and the λ columns.
    struct Lattice {
        let keys: [Key]
        let basis: [[Int]]
        let inverse: [[Int]]
        var steps: [Variable]
    }

    /// `REBALANCE_LATTICE=0`: no lattices (to compare).
    static let latticeEnabled = ProcessInfo.processInfo.environment["REBALANCE_LATTICE"] != "0"

    /// Accounts with at most this many symbols traded in whole shares get a lattice (LLL on n
    /// vectors: n⁴ steps at worst; a direct-indexing account of hundreds keeps its columns).
    static let latticeSymbolLimit = 16

    /// The exchange lattice of every account in whole shares that trades at least two symbols.
    mutating func addExchangeLattices(_ household: Household, _ model: inout LinearModel) {
        var byAccount: [Int: [Key]] = [:]
        for (key, order) in orders where order.wholeShares && (order.bought != nil || order.sold != nil) {
            byAccount[key.account, default: []].append(key)
        }
        for account in byAccount.keys.sorted() {
            let keys = byAccount[account]!.sorted { $0.symbol < $1.symbol }
            guard keys.count >= 2, keys.count <= Self.latticeSymbolLimit else { continue }
            let prices = keys.map { orders[$0]!.price }
            guard let (basis, inverse) = Self.reducedBasis(prices: prices) else { continue }
            // The bounds of t_s: −(whole shares it may sell) … (whole shares it may buy).
            let low = keys.map { key -> Double in orders[key]!.sold.map { -model.columns[$0.index].upper } ?? 0 }
            let high = keys.map { key -> Double in orders[key]!.bought.map { model.columns[$0.index].upper } ?? 0 }
            var lattice = Lattice(keys: keys, basis: basis, inverse: inverse, steps: [])
            for j in keys.indices {
                var lower = 0.0, upper = 0.0
                for s in keys.indices {
                    let c = Double(inverse[j][s])
                    lower += min(c * low[s], c * high[s])
                    upper += max(c * low[s], c * high[s])
                }
                let lambda = model.addVariable(lower: lower.rounded(), upper: upper.rounded(), integer: true)
                integerColumns += 1
                lattice.steps.append(lambda)
            }
            for (s, key) in keys.enumerated() {
                var terms: [Term] = []
                for j in keys.indices where basis[s][j] != 0 { terms.append(Term(lattice.steps[j], Double(basis[s][j]))) }
                if let m = orders[key]!.bought { terms.append(Term(m, -1)) }
                if let k = orders[key]!.sold { terms.append(Term(k, 1)) }
                model.addConstraint(terms, equalTo: 0)
            }
            lattices.append(lattice)
        }
    }

    /// The λ of every lattice for the whole m and k in `value` (absent: 0).
    func latticeChoice(_ value: [Variable: Double]) -> [(variable: Variable, value: Double)] {
        var fixed: [(variable: Variable, value: Double)] = []
        for lattice in lattices {
            let t = lattice.keys.map { key -> Double in
                let order = orders[key]!
                return (order.bought.flatMap { value[$0] } ?? 0) - (order.sold.flatMap { value[$0] } ?? 0)
            }
            for (j, lambda) in lattice.steps.enumerated() {
                var x = 0.0
                for s in t.indices { x += Double(lattice.inverse[j][s]) * t[s] }
                fixed.append((lambda, x))
            }
        }
        return fixed
    }

    /// An LLL-reduced basis B of Zⁿ (columns) under |x|² = Σ x² + (10·p·x)², with B⁻¹ (both
    /// integer, B·B⁻¹ = I); nil if an entry outgrows exact arithmetic in a Double.
    static func reducedBasis(prices: [Double]) -> (basis: [[Int]], inverse: [[Int]])? {
        let n = prices.count
        // b[i]: the i-th basis vector; inv: B⁻¹ kept alongside (a column operation on B is the
        // inverse row operation on B⁻¹).
        var b = (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
        var inv = b
        // The cash in dimes: weighted in cents, the basis is of nearly exact exchanges but its
        // inverse runs to thousands, and GLPK's branch and bound then cut off true optima; in
        // dollars, the searches were up to 30 times slower (docs/engineering.md).
        let weight = prices.map { 10 * $0 }

        // Gram–Schmidt coefficients, recomputed after each change (n is small).
        var mu = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var norms = [Double](repeating: 0, count: n)
        func gramSchmidt() {
            var star: [[Double]] = []
            for i in 0..<n {
                var v = b[i].map(Double.init)
                var vw = 0.0
                for t in 0..<n { vw += weight[t] * v[t] }
                for j in 0..<i {
                    // <b_i, b*_j> under the form, over |b*_j|².
                    var plain = 0.0, pj = 0.0, pi = 0.0
                    for t in 0..<n {
                        plain += Double(b[i][t]) * star[j][t]
                        pj += weight[t] * star[j][t]
                        pi += weight[t] * Double(b[i][t])
                    }
                    mu[i][j] = norms[j] > 0 ? (plain + pi * pj) / norms[j] : 0
                    for t in 0..<n { v[t] -= mu[i][j] * star[j][t] }
                }
                vw = 0
                var plain = 0.0
                for t in 0..<n {
                    vw += weight[t] * v[t]
                    plain += v[t] * v[t]
                }
                norms[i] = plain + vw * vw
                star.append(v)
            }
        }
        let limit = 1 << 50
        gramSchmidt()
        var k = 1, steps = 0
        while k < n {
            steps += 1
            guard steps < 100_000 else { return nil }
            for j in stride(from: k - 1, through: 0, by: -1) {
                let q = mu[k][j].rounded()
                guard q != 0 else { continue }
                guard abs(q) < 1e12 else { return nil }
                let qi = Int(q)
                for t in 0..<n {
                    b[k][t] -= qi * b[j][t]
                    inv[t][j] += qi * inv[t][k]
                    guard abs(b[k][t]) < limit, abs(inv[t][j]) < limit else { return nil }
                }
                gramSchmidt()
            }
            if norms[k] >= (0.99 - mu[k][k - 1] * mu[k][k - 1]) * norms[k - 1] {
                k += 1
            } else {
                b.swapAt(k, k - 1)
                for t in 0..<n { inv[t].swapAt(k, k - 1) }
                gramSchmidt()
                k = max(k - 1, 1)
            }
        }
        // basis[s][j]: symbol s of vector j; inverse[j][s] likewise for B⁻¹.
        let basis = (0..<n).map { s in (0..<n).map { j in b[j][s] } }
        let inverse = (0..<n).map { j in (0..<n).map { s in inv[s][j] } }
        // Exact: B·B⁻¹ = I.
        for i in 0..<n {
            for j in 0..<n {
                var x = 0
                for t in 0..<n { x += basis[i][t] * inverse[t][j] }
                guard x == (i == j ? 1 : 0) else { return nil }
            }
        }
        return (basis, inverse)
    }
}
