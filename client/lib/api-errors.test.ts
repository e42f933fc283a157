import { parseErrorBody, toFormErrors } from './api-errors';

describe('API errors in forms', () => {
  it('puts each error by the field it names, and the rest above the form', () => {
    const errors = [
      { message: 'Email must be valid', field: 'email' },
      { message: 'Email is taken', field: 'email' },
      { message: 'Request body must be a JSON object' },
      { message: 'limit must be a number', field: 'limit' },
    ];
    expect(toFormErrors(errors, ['email', 'password'])).toEqual({
      fields: { email: 'Email must be valid' },
      general: ['Email is taken', 'Request body must be a JSON object', 'limit must be a number'],
    });
  });

  it('copes with an error body that is not the services’ shape', () => {
    expect(parseErrorBody({ errors: [{ message: 'Nope' }] }, 409)).toEqual([{ message: 'Nope' }]);
    expect(parseErrorBody(undefined, 502)).toEqual([{ message: 'The server answered 502; please try again.' }]);
    expect(parseErrorBody({ errors: 'x' }, 500)).toEqual([{ message: 'The server answered 500; please try again.' }]);
  });
});
