// An ordinary build that takes a while (holdMillis): it publishes its own page and has a secret
// in its environment, which another tenant's build tries to steal.
const { params, publish } = require('./report');

publish('VICTIM', { tenant: 'A', page: 'original' });
console.log('VICTIM WAITING');
setTimeout(() => console.log('VICTIM DONE'), params().holdMillis);
