package network.cocoon.worker.inference.llama;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProductPlanTest {
    @Test
    void eachBandGetsTheFasterWayAndPromptsKeepLinear() {
        // Bands 1, 2, 4, 8, 16, 32, 64: (W x^T)^T faster in the bands of 5-8 and 33-64 rows only.
        ProductPlan plan = ProductPlan.choose(new double[] {1, 1, 1, 1, 1, 1, 1},
                new double[] {2, 2, 2, 0.5, 2, 2, 0.5});
        assertFalse(plan.weightTimesRows(1));
        assertFalse(plan.weightTimesRows(4));
        assertTrue(plan.weightTimesRows(5));
        assertTrue(plan.weightTimesRows(8));
        assertFalse(plan.weightTimesRows(9));
        assertFalse(plan.weightTimesRows(32));
        assertTrue(plan.weightTimesRows(33));
        assertTrue(plan.weightTimesRows(64));
        assertFalse(plan.weightTimesRows(65));
        assertFalse(plan.weightTimesRows(0));
        assertTrue(plan.toString().startsWith("(W x^T)^T for 5-8, 33-64 rows, linear otherwise"), plan.toString());
    }

    @Test
    void aTieKeepsLinearAndTheTimesMustCoverEveryBand() {
        ProductPlan plan = ProductPlan.choose(new double[7], new double[7]);
        for (int rows = 1; rows <= 64; rows++) {
            assertFalse(plan.weightTimesRows(rows));
        }
        assertThrows(IllegalArgumentException.class, () -> ProductPlan.choose(new double[6], new double[7]));
    }

    @Test
    void timingRealMatricesGivesAPlanForEveryBand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // 9 MiB of layer weights: just above the size below which a model is not timed.
            List<NDArray> layer = List.of(manager.randomNormal(new Shape(1536, 768)),
                    manager.randomNormal(new Shape(768, 1536)));
            ProductPlan plan = ProductPlan.measure(List.of(layer), manager);
            assertTrue(plan.toString().contains("ms per pass, linear against (W x^T)^T: 1 rows"), plan.toString());
            assertTrue(plan.toString().contains(" 64 rows "), plan.toString());
            assertFalse(plan.weightTimesRows(65));
            assertTrue(manager.getManagedArrays().size() == 2, "timing leaves no arrays behind");
        }
    }

    @Test
    void aSmallModelKeepsLinearUntimed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> layer = List.of(manager.randomNormal(new Shape(96, 64)),
                    manager.randomNormal(new Shape(64, 96)));
            ProductPlan plan = ProductPlan.measure(List.of(layer, layer), manager);
            for (int rows = 1; rows <= 64; rows++) {
                assertFalse(plan.weightTimesRows(rows));
            }
            assertTrue(plan.toString().contains("too few to time"), plan.toString());
        }
    }

    @Test
    void fixedPlans() {
        assertFalse(ProductPlan.linearOnly().weightTimesRows(4));
        assertTrue(ProductPlan.uniform(true).weightTimesRows(1));
        assertTrue(ProductPlan.uniform(true).weightTimesRows(64));
        assertFalse(ProductPlan.uniform(true).weightTimesRows(65));
    }
}
