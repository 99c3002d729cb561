import TestSupport
@testable import TensorCore

extension GradientCheckTests {
    /// PixelRNN's recurrences on N = 2 images of U = 2 state channels: gates [N, 4U, H, W]. Both
    /// orientations of the image (wider and taller) exercise the diagonals that start and end
    /// inside it; the weights are halved so the gates stay off their flat tails.
    static let spatialRecurrences: [GradientCase] = [
        GradientCase("row LSTM recurrence, kernel 3", [[2, 8, 3, 4], [8, 2, 3]]) {
            $0[0].rowLSTMRecurrence(stateWeight: $0[1] * 0.5)
        },
        GradientCase("row LSTM recurrence, two groups of images", [[10, 4, 2, 3], [4, 1, 3]]) {
            $0[0].rowLSTMRecurrence(stateWeight: $0[1] * 0.5)
        },
        GradientCase("row LSTM recurrence, kernel 1, one row", [[2, 8, 1, 3], [8, 2, 1]]) {
            $0[0].rowLSTMRecurrence(stateWeight: $0[1] * 0.5)
        },
        GradientCase("diagonal LSTM recurrence, left to right", [[2, 8, 3, 4], [8, 2, 2]]) {
            $0[0].diagonalLSTMRecurrence(stateWeight: $0[1] * 0.5, direction: .leftToRight)
        },
        GradientCase("diagonal LSTM recurrence, right to left, tall", [[2, 8, 4, 3], [8, 2, 2]]) {
            $0[0].diagonalLSTMRecurrence(stateWeight: $0[1] * 0.5, direction: .rightToLeft)
        },
        GradientCase("diagonal LSTM recurrence, two groups of images", [[10, 4, 2, 3], [4, 1, 2]]) {
            $0[0].diagonalLSTMRecurrence(stateWeight: $0[1] * 0.5, direction: .rightToLeft)
        },
        GradientCase("rows shifted down", [[2, 2, 3, 4]]) { $0[0].shiftedDown(rows: 1) },
    ]
}
