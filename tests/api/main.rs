//! Integration tests: the real server over HTTP on port 0, each test with a
//! fresh database, every test on SQLite (in memory) and on PostgreSQL (a
//! fresh schema; `TEST_DATABASE_URL`, default the local server).
//! One binary with modules, so it compiles once.

mod helpers;

mod audit;
mod bulk;
mod catalogue;
mod cli;
mod flows;
mod http;
mod mutations;
mod nplus1;
mod pool;
mod rollup;
mod schema;
