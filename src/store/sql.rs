//! SQL written as text for the hottest statements, where building a
//! sea-query tree per request cost more than running the statement: the
//! per-cell flow pages repeat one subquery per (region, direction, month)
//! cell, and each tree was built, rendered and dropped on every request.
//!
//! Values are bound, never spliced: each gets a numbered placeholder
//! (`$n`, which PostgreSQL and sqlx's SQLite driver both take), and a value
//! written once can be referred to again by its number, so a condition
//! shared by every cell binds its values once.

use std::fmt::Write as _;

use sea_orm::{DbBackend, Statement, Value};

/// A statement being written: its text and the values its placeholders
/// number.
pub struct SqlText {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

/// A value already bound, by its placeholder number.
#[derive(Clone, Copy, Debug)]
pub struct Param(usize);

impl SqlText {
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            text: String::with_capacity(1024),
            values: Vec::new(),
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// Appends SQL text as it is (identifiers and keywords, never input).
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Binds `value` without writing it; [`SqlText::param`] writes it.
    pub fn bind(&mut self, value: impl Into<Value>) -> Param {
        self.values.push(value.into());
        Param(self.values.len())
    }

    /// Writes the placeholder of a bound value.
    pub fn param(&mut self, param: Param) -> &mut Self {
        // Writing to a String cannot fail.
        let _ = write!(self.text, "${}", param.0);
        self
    }

    /// Binds `value` and writes its placeholder.
    pub fn value(&mut self, value: impl Into<Value>) -> &mut Self {
        let param = self.bind(value);
        self.param(param)
    }

    /// Writes `items` separated by `, `, each by `write`.
    pub fn list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut write: impl FnMut(&mut Self, T),
    ) -> &mut Self {
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            write(self, item);
        }
        self
    }

    /// The text `write` appends, taken back out (its values stay bound): a
    /// fragment written once and pushed wherever it is needed.
    pub fn detached(&mut self, write: impl FnOnce(&mut Self)) -> String {
        let start = self.text.len();
        write(self);
        self.text.split_off(start)
    }

    pub fn into_statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }

    #[cfg(test)]
    fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_bound_once_is_referred_to_by_number() {
        let mut sql = SqlText::new(DbBackend::Postgres);
        let region = sql.bind("02004");
        sql.push("a = ").param(region).push(" AND b = ").value(7);
        sql.push(" AND c = ").param(region);
        assert_eq!(sql.text(), "a = $1 AND b = $2 AND c = $1");
        let statement = sql.into_statement();
        assert_eq!(statement.values.map(|v| v.0.len()), Some(2));
    }
}
