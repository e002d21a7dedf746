// Leaving the dashboard for another site (GitHub's consent page). One place, so component tests
// can see where the browser was sent without jsdom navigating.
export const browser = {
  go(url: string): void {
    window.location.assign(url)
  },
}
