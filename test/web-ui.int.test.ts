import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';

describe('Temporal Web UI', () => {
  it('answers on its port with the UI application', async () => {
    const response = await fetch(inject('temporalUiUrl'));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<html/i);
    const settings = await fetch(`${inject('temporalUiUrl')}/api/v1/settings`);
    expect(settings.status).toBe(200);
  });
});
