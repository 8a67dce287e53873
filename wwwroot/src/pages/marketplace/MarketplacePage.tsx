import { Link } from 'react-router';

export default function MarketplacePage() {
  return (
    <div className="page">
      <h1>Marketplace</h1>
      <p>Tools and flow templates to install are coming. Until then:</p>
      <ul>
        <li>Start a flow from the <Link to="/dashboard">dashboard</Link> or import an <code>organism.yaml</code>.</li>
        <li>Write your own code block: add a <b>Code Block</b> node in the editor and open its code editor.</li>
        <li>Automate with an API key from <Link to="/settings">Settings</Link> (see <a href="/openapi">the API reference</a>).</li>
      </ul>
    </div>
  );
}
