import Foundation
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// Whole shares against an independent route: tiny households (one taxable account, two or three
/// symbols, one lot of each) small enough to list every whole-share plan. Each listed plan's stage
/// values are computed here from the contract alone (nothing shared with the optimizer): with t_s
/// the whole shares of symbol s bought (t_s > 0) or sold from its one lot (t_s < 0, at most the
/// lot), I = cash + flow + Σ p·q − minCash, e = cash + flow − minCash − Σ p·t ≥ 0 (the cash left),
/// dev_s = p·(q_s + t_s) − w_s·I,
///   D = ½(Σ |dev_s| + e), D_β = ½(Σ max(0, |dev_s| − β·I) + e),
///   Tax = T(S, L) − T(S₀, L₀) as docs/tax-model.md nets it (this year's realized gains, carryforwards,
///   the ordinary offset limit), LotTax = Σ r·g·x, Turn = Σ p·|t|, Harvest = LotTax + cost·Turn.
/// The strategy's stages are minimized in order over the list, each later stage holding the
/// earlier ones within the contract's margin M = 0.01 + 1e-7·I: the planner's plan must be
/// optimal, a listed plan, and reach each stage's optimum within M. These are the exact-change
/// problems `band` poses in whole shares (drift inside the band is free, so the later stages
/// are held at plans that spend the cash to the cent), on households where GLPK is quick.
@Suite struct WholeSharesEnumerationTests {
    /// docs/tax-model.md's T(S, L): the tax on a year's net short-term S and long-term L gains (a net
    /// loss offsets ordinary income up to `limit`). Both enumeration tests price plans with it.
    static func tax(_ s: Double, _ l: Double, shortTermRate rST: Double, longTermRate rLT: Double, limit: Double) -> Double {
        if s + l < 0 { return -rST * min(limit, -(s + l)) }
        if s >= 0 && l >= 0 { return rST * s + rLT * l }
        return s < 0 ? rLT * (s + l) : rST * (s + l)
    }

    /// A tiny household, as the YAML the planner reads and the numbers this route uses.
    struct Tiny {
        var prices: [Double] = [], shares: [Double] = [], basis: [Double] = [], longTerm: [Bool] = []
        var weights: [Double] = []
        var cash = 0.0, flow = 0.0
        var realizedST = 0.0, realizedLT = 0.0, carryST = 0.0, carryLT = 0.0
        let rST = 0.35, rLT = 0.15, limit = 3000.0, cost = 0.001
        var symbols: [String] { prices.indices.map { "S\($0)" } }

        var yaml: String {
            let prices = zip(symbols, self.prices).map { "\($0): \($1)" }.joined(separator: ", ")
            let slices = zip(symbols, weights).map { "{symbol: \($0), weight: \($1)}" }.joined(separator: ", ")
            let lots = symbols.indices.map { s in
                "      - {symbol: \(symbols[s]), shares: \(shares[s]), costBasis: \(basis[s]), acquired: \(longTerm[s] ? "2021-03-04" : "2026-06-01")}"
            }.joined(separator: "\n")
            return """
                asOf: 2026-11-20
                tax:
                  shortTermRate: \(rST)
                  longTermRate: \(rLT)
                  realizedThisYear: {shortTerm: \(realizedST), longTerm: \(realizedLT)}
                  carryforwardLoss: {shortTerm: \(carryST), longTerm: \(carryLT)}
                  ordinaryOffsetLimit: \(limit)
                  tradingCost: \(cost)
                prices: {\(prices)}
                pie: {slices: [\(slices)]}
                accounts:
                  - id: brokerage
                    type: taxable
                    cash: \(cash)
                    flow: \(flow)
                    wholeShares: true
                    lots:
                \(lots)
                """
        }

        var investable: Double { cash + flow + zip(prices, shares).reduce(0) { $0 + $1.0 * $1.1 } }

        func t(_ s: Double, _ l: Double) -> Double {
            WholeSharesEnumerationTests.tax(s, l, shortTermRate: rST, longTermRate: rLT, limit: limit)
        }

        /// The stage measures of whole-share trades t, or nil when they spend more than the cash.
        func measures(_ t: [Int], band: Double) -> [String: Double]? {
            let spent = zip(prices, t).reduce(0) { $0 + $1.0 * Double($1.1) }
            let e = cash + flow - spent
            guard e >= -1e-9 else { return nil }
            let i = investable
            var d = e, dBand = e, st = 0.0, lt = 0.0, lotTax = 0.0, turn = 0.0
            for s in prices.indices {
                let dev = prices[s] * (shares[s] + Double(t[s])) - weights[s] / 100 * i
                d += abs(dev)
                dBand += max(0, abs(dev) - band / 100 * i)
                turn += prices[s] * Double(abs(t[s]))
                if t[s] < 0 {
                    let gain = (prices[s] - basis[s] / shares[s]) * Double(-t[s])
                    if longTerm[s] { lt += gain } else { st += gain }
                    lotTax += (longTerm[s] ? rLT : rST) * gain
                }
            }
            let s0 = realizedST - carryST, l0 = realizedLT - carryLT
            let tax = self.t(s0 + st, l0 + lt) - self.t(s0, l0)
            return [
                "D": d / 2, "Dβ": dBand / 2, "Tax": tax, "Harvest": lotTax + cost * turn, "Turn": turn,
                "κD+Tax": 0.10 * d / 2 + tax,
            ]
        }

        /// Every whole-share plan: each symbol sells at most its lot or buys at most what the
        /// money left could (the cash, the deposit and every sale).
        func plans(band: Double) -> [(t: [Int], m: [String: Double])] {
            var out: [(t: [Int], m: [String: Double])] = []
            var t = [Int](repeating: 0, count: prices.count)
            func choose(_ s: Int, money: Double) {
                if s == prices.count {
                    if let m = measures(t, band: band) { out.append((t, m)) }
                    return
                }
                // What the later symbols' sales could still raise.
                let later = (s + 1..<prices.count).reduce(0.0) { $0 + prices[$1] * shares[$1] }
                let most = Int(((money + later) / prices[s]).rounded(.down))
                guard most >= -Int(shares[s]) else { return }
                for n in -Int(shares[s])...most {
                    t[s] = n
                    choose(s + 1, money: money - prices[s] * Double(n))
                }
                t[s] = 0
            }
            choose(0, money: cash + flow)
            return out
        }
    }

    /// A seeded generator (the households are the same on every run).
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    }

    static func tiny(seed: UInt64) -> Tiny {
        var rng = Rng(state: seed &* 2_654_435_761 &+ 17)
        var h = Tiny()
        let n = rng.int(2...3)
        for _ in 0..<n {
            let price = Double(rng.int(4_000...30_000)) / 100
            let shares = Double(rng.int(1...8))
            h.prices.append(price)
            h.shares.append(shares)
            // Cost basis 60%–140% of the lot's value, to the cent: gains and losses.
            h.basis.append((price * shares * Double(rng.int(60...140))).rounded() / 100)
            h.longTerm.append(rng.int(0...1) == 1)
        }
        var left = 100
        for s in 0..<n {
            let w = s == n - 1 ? left : rng.int(10...(left - 10 * (n - 1 - s)))
            h.weights.append(Double(w))
            left -= w
        }
        h.cash = Double(rng.int(0...20_000)) / 100
        h.flow = Double(rng.int(0...1) == 1 ? rng.int(0...100_000) : 0) / 100
        h.realizedST = Double(rng.int(-2_000...2_000))
        h.realizedLT = Double(rng.int(-2_000...2_000))
        h.carryST = Double(rng.int(0...1) == 1 ? rng.int(0...1_500) : 0)
        h.carryLT = Double(rng.int(0...1) == 1 ? rng.int(0...1_500) : 0)
        return h
    }

    static let stages: [String: [String]] = [
        "band:5": ["Dβ", "Tax", "D", "Harvest", "Turn"],
        "band:2": ["Dβ", "Tax", "D", "Harvest", "Turn"],
        "full": ["D", "Tax", "Harvest", "Turn"],
        "tax-aware:0.10": ["κD+Tax", "Harvest", "Turn"],
    ]

    @Test(arguments: 0..<12, ["band:5", "band:2", "full", "tax-aware:0.10"])
    func thePlanIsTheBestWholeSharePlan(seed: Int, strategy: String) throws {
        let tiny = Self.tiny(seed: UInt64(seed))
        let band = strategy.hasPrefix("band:") ? Double(strategy.dropFirst(5))! : 0
        let household = try household(tiny.yaml)
        let plan = Planner().plan(household, strategy: try Strategy(parsing: strategy))
        #expect(plan.status == .optimal, "seed \(seed) \(strategy): \(plan.status)")
        #expect(PlanVerifier(household).violations(of: plan) == [])

        // The plan's whole shares per symbol (ours: S0, S1, … in order).
        var t = [Int](repeating: 0, count: tiny.prices.count)
        for (l, lot) in household.lots.enumerated() {
            let s = tiny.symbols.firstIndex(of: household.symbols[lot.symbol])!
            t[s] -= Int(plan.sharesSold[l].rounded())
            #expect(abs(plan.sharesSold[l] - plan.sharesSold[l].rounded()) < 1e-6)
        }
        for purchase in plan.purchases {
            let s = tiny.symbols.firstIndex(of: household.symbols[purchase.symbol])!
            let shares = purchase.amount / tiny.prices[s]
            #expect(abs(shares - shares.rounded()) < 1e-6)
            t[s] += Int(shares.rounded())
        }
        let mine = try #require(tiny.measures(t, band: band), "seed \(seed) \(strategy): the plan overspends")

        // The stages in order over every plan: `tight` holds each at its optimum, `loose` within
        // the margin (the optimizer's holds lie between the two).
        let margin = 0.01 + 1e-7 * tiny.investable
        var tight = tiny.plans(band: band), loose = tight
        for stage in Self.stages[strategy]! {
            let bestTight = tight.map { $0.m[stage]! }.min()!
            let bestLoose = loose.map { $0.m[stage]! }.min()!
            let value = mine[stage]!
            #expect(value >= bestLoose - 1e-6, "seed \(seed) \(strategy) \(stage): \(value) below every plan's \(bestLoose)")
            #expect(value <= bestTight + margin, "seed \(seed) \(strategy) \(stage): \(value), the best plan \(bestTight)")
            tight = tight.filter { $0.m[stage]! <= bestTight + 1e-6 }
            loose = loose.filter { $0.m[stage]! <= bestTight + margin + 1e-9 }
        }
    }
}
