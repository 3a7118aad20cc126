import Foundation
import Store
import Synchronization
import Synthetic
import TestSupport
import Testing
import TextIO
import Tokenizer

@testable import Pipeline

/// A stand-in for the model: vectors derived from the token ids; waits at a gate; fails on demand.
final class StubEngine: EmbeddingEngine {
    let dimension = 8
    let lengthMultiple = 1
    let gate = Gate()
    let calls = Atomic<Int>(0)
    /// The number of chunks in each call, in call order.
    let batchSizes = Mutex<[Int]>([])
    let failing: @Sendable ([Int32], Int) -> Bool

    /// - Parameter failing: given a chunk's ids and the call number, whether the batch holding it fails.
    init(failing: @escaping @Sendable ([Int32], Int) -> Bool = { _, _ in false }) {
        self.failing = failing
    }

    func embed(_ encodings: [Encoding]) async throws -> [[Float]] {
        await gate.wait()
        let call = calls.add(1, ordering: .relaxed).newValue
        batchSizes.withLock { $0.append(encodings.count) }
        if encodings.contains(where: { failing($0.ids, call) }) {
            throw EmbeddingFailure(message: "stub failure on call \(call)")
        }
        return encodings.map { encoding in
            var generator = SplitMix64(
                seed: encoding.ids.reduce(UInt64(17)) { $0 &* 31 &+ UInt64(bitPattern: Int64($1)) })
            return generator.unitVector(dimension)
        }
    }
}

/// Opens once; everyone waiting (and every later caller) goes through.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((true, []))

    func close() { state.withLock { $0.open = false } }

    func open() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
