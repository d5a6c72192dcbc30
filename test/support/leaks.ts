/** The leak scanner lives with the rehearsal runner (it ships with it): the tests use the same one. */
export * from '../../src/rehearsal/leaks';
