//! The facade against the fake Graph (filled in with the facade's tests).
