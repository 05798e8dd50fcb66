package network.cocoon.sdk.ton;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/** One value of a TVM stack, as a get-method returns it. */
public sealed interface TvmValue {
    /** An integer. */
    record Num(BigInteger value) implements TvmValue {
        /** Validates presence. */
        public Num {
            Objects.requireNonNull(value);
        }
    }

    /** A cell or slice, as a bag of cells. */
    record CellValue(byte[] boc) implements TvmValue {
        /** Copies the bytes. */
        public CellValue {
            boc = boc.clone();
        }

        /** A copy of the bag of cells. */
        @Override
        public byte[] boc() {
            return boc.clone();
        }
    }

    /** A tuple or list. */
    record Tuple(List<TvmValue> elements) implements TvmValue {
        /** Copies the elements. */
        public Tuple {
            elements = List.copyOf(elements);
        }
    }

    /** The TVM null. */
    record Null() implements TvmValue {
    }
}
